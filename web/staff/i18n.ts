import { interpolate } from '../../src/languages.js';
import { en } from './i18n/en.js';

/**
 * The console's languages: German, and English beside it. The German words are the keys (as gettext's
 * msgids), so a page reads as it shows; the English catalogue (i18n/en.ts) has every one of them, which
 * the compiler checks (a text not in it is no `Msg`). The choice is kept on the device.
 */
export type Msg = keyof typeof en;
export type StaffLang = 'de' | 'en';

const KEY = 'ansturm.staff.lang';
let current: StaffLang = (() => {
  try {
    return localStorage.getItem(KEY) === 'en' ? 'en' : 'de';
  } catch {
    return 'de';
  }
})();

export const staffLang = (): StaffLang => current;
export const staffLocale = (): string => (current === 'en' ? 'en-GB' : 'de-DE');

export const t = (msg: Msg, values: Record<string, string | number> = {}): string => interpolate(current === 'en' ? en[msg] : msg, values);

/** Switches the console's language; the pages are built again in it (a reload keeps the session). */
export function setStaffLang(next: StaffLang): void {
  current = next;
  try {
    localStorage.setItem(KEY, next);
  } catch {
    // private mode: the choice lasts for this page
  }
  location.reload();
}
