import { INSTALLATION_ZONE } from '../../src/time/zone.js';
import { direction, INTL_LOCALES, interpolate, isLanguage, DEFAULT_LANGUAGE, westernDigits, type Language } from '../../src/languages.js';
import type { ErrorCode } from '../../src/errors.js';
import type { Key } from './i18n/de.js';

export type { Key };
export type Lang = Language;

/** Every language's catalogue is a file of its own, German too: a page loads only the one its reader reads. */
const texts: Partial<Record<Lang, Record<Key, string>>> = {};
const catalogues: Record<Lang, () => Promise<Record<Key, string>>> = {
  de: () => import('./i18n/de.js').then((m) => m.de),
  en: () => import('./i18n/en.js').then((m) => m.en),
  tr: () => import('./i18n/tr.js').then((m) => m.tr),
  ru: () => import('./i18n/ru.js').then((m) => m.ru),
  uk: () => import('./i18n/uk.js').then((m) => m.uk),
  ar: () => import('./i18n/ar.js').then((m) => m.ar),
  pl: () => import('./i18n/pl.js').then((m) => m.pl),
};

/** Loads a language's catalogue (once). */
export async function loadLang(l: Lang): Promise<void> {
  if (!texts[l]) texts[l] = await catalogues[l]();
}

/**
 * The server chose the page's language (?lang=, else the one kept in the `lang` cookie, else the
 * browser's Accept-Language) and wrote it into <html lang>; the app starts in it.
 */
let current: Lang = (() => {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (isLanguage(fromUrl)) return fromUrl;
  const served = document.documentElement.lang;
  return isLanguage(served) ? served : DEFAULT_LANGUAGE;
})();

export const lang = (): Lang => current;

/**
 * Switches to a language; `keep` (a choice the person made) also stores it in a cookie, so the server
 * serves their next page in it.
 */
export async function setLang(next: Lang, keep = true): Promise<void> {
  await loadLang(next);
  current = next;
  if (keep) document.cookie = `lang=${next}; path=/; max-age=31536000; samesite=lax`;
  document.documentElement.lang = next;
  document.documentElement.dir = direction(next);
}

/** A text in the page's language (its catalogue is loaded before the first page renders). */
export const t = (key: Key, params: Record<string, string | number> = {}): string => interpolate((texts[current] ?? texts.de)?.[key] ?? key, params);

/**
 * What a person is told for each error the server can answer, in their language. The compiler checks that
 * every code has its text; codes only staff meet share the general one, which names the code for the hotline.
 */
const ERROR_TEXTS: Record<ErrorCode, Key> = {
  VALIDATION_FAILED: 'error.invalid',
  INVALID_JSON: 'error.invalid',
  INVALID_DATE: 'error.invalid',
  UNKNOWN_POSTAL_CODE: 'search.unknownPostal',
  UNAUTHORIZED: 'error.other',
  FORBIDDEN: 'error.other',
  NOT_FOUND: 'error.notFound',
  SLOT_NOT_FOUND: 'error.notFound',
  HOLD_NOT_FOUND: 'details.noHold',
  BOOKING_NOT_FOUND: 'manage.notFound',
  CENTER_NOT_FOUND: 'error.notFound',
  CAMPAIGN_NOT_FOUND: 'error.notFound',
  METHOD_NOT_ALLOWED: 'error.other',
  SLOT_FULL: 'search.taken',
  NOT_RELEASED: 'search.notReleased',
  NO_SECOND_DOSE_SLOT: 'search.noSecond',
  ALREADY_BOOKED: 'eligibility.alreadyBooked',
  ALREADY_CANCELLED: 'error.alreadyCancelled',
  HOLD_ALREADY_USED: 'error.holdUsed',
  SLOT_ALREADY_RELEASED: 'error.other',
  SLOT_IN_PAST: 'error.slotPast',
  WRONG_DOSE: 'error.other',
  CAMPAIGN_MISMATCH: 'error.other',
  CHALLENGE_INVALID: 'error.challenge',
  CHALLENGE_UNSOLVED: 'error.challenge',
  TICKET_INVALID: 'error.admission',
  ADMISSION_REQUIRED: 'search.needRoom',
  ADMISSION_INVALID: 'error.admission',
  ADMISSION_EXPIRED: 'search.admissionGone',
  ADMISSION_OTHER_PERSON: 'eligibility.otherPerson',
  ADMISSION_USED: 'error.admission',
  QUEUE_NOT_FOUND: 'error.notFound',
  RESUME_CODE_UNKNOWN: 'room.resumeUnknown',
  QUEUE_NOT_OPEN: 'error.queueNotOpen',
  QUEUE_CLOSED: 'room.closed',
  SOLD_OUT: 'room.soldOut',
  CHALLENGE_USED: 'error.challenge',
  ADMISSION_IN_USE: 'search.alreadyHolding',
  DUPLICATE_PLACE: 'room.duplicate',
  TICKET_INACTIVE: 'room.lost',
  CONFLICT: 'error.conflict',
  STATE_CONFLICT: 'error.conflict',
  CONTACT_INVALID: 'error.contact',
  CODE_INVALID: 'verify.wrong',
  CONTACT_NOT_VERIFIED: 'details.contactRequired',
  VERIFICATION_LOCKED: 'verify.locked',
  ALREADY_ON_WAITLIST: 'waitlist.already',
  OFFER_CLOSED: 'offer.closed',
  OFFER_EXPIRED: 'offer.expired',
  IDEMPOTENCY_KEY_REUSED: 'error.other',
  NOT_ELIGIBLE: 'error.notEligible',
  HOLD_EXPIRED: 'details.expired',
  PAYLOAD_TOO_LARGE: 'error.other',
  UNSUPPORTED_MEDIA_TYPE: 'error.other',
  RATE_LIMITED: 'error.tooMany',
  INVALID_CREDENTIALS: 'error.other',
  TOO_MANY_LOOKUPS: 'manage.tooMany',
  LOCKED_OUT: 'error.other',
  CSRF_FAILED: 'error.other',
  USERNAME_TAKEN: 'error.other',
  RELEASE_CHECKLIST: 'error.other',
  NOT_TODAY: 'error.other',
  ALREADY_RECORDED: 'error.other',
  OVERLOADED: 'error.busy',
  UNAVAILABLE: 'error.busy',
  INTERNAL: 'error.other',
};

/** An error's text in the person's language (never the server's English words). */
export const errorText = (code: string): string =>
  t(Object.prototype.hasOwnProperty.call(ERROR_TEXTS, code) ? ERROR_TEXTS[code as ErrorCode] : 'error.other', { code });

/**
 * Times are shown in a zone: an appointment's in its centre's (`center.timeZone`), everything else
 * (release instants, deadlines) in the installation's, which /api/v1/info announces.
 */
let installationZone = INSTALLATION_ZONE;
export const setInstallationZone = (zone: string): void => {
  installationZone = zone;
};
const locale = () => INTL_LOCALES[current];
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const fmt = (options: Intl.DateTimeFormatOptions) => (iso: string, zone?: string) =>
  // A calendar day (YYYY-MM-DD) is the same day everywhere: shown as noon UTC in UTC.
  DATE_ONLY.test(iso)
    ? new Intl.DateTimeFormat(locale(), { timeZone: 'UTC', ...options }).format(new Date(`${iso}T12:00:00Z`))
    : new Intl.DateTimeFormat(locale(), { timeZone: zone ?? installationZone, ...options }).format(new Date(iso));

/** "Mo., 24.11.2026" / "Mon, 24 Nov 2026" */
export const day = fmt({ weekday: 'short', day: '2-digit', month: '2-digit', year: 'numeric' });
/** "Montag, 24. November 2026" / "Monday 24 November 2026" */
export const longDay = fmt({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
/** "08:30" */
export const clock = fmt({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const clockWithSeconds = fmt({ hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
/** "Mo., 24.11.2026, 08:30 Uhr", with the seconds when an instant has them ("01:34:55 Uhr", not "01:34 Uhr"). */
export const when = (iso: string, zone?: string): string => {
  const time = !DATE_ONLY.test(iso) && Date.parse(iso) % 60_000 !== 0 ? clockWithSeconds(iso, zone) : clock(iso, zone);
  return `${day(iso, zone)}, ${t('common.clock', { time })}`;
};

/** "3:05" for a countdown. */
export function minutesSeconds(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** "2 Std. 5 Min." style countdown for longer waits. */
export function duration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return t('common.seconds', { count: s });
  const m = Math.round(s / 60);
  if (m < 60) return t('common.minutes', { count: m });
  const hours = Math.floor(m / 60);
  return t('common.hoursMinutes', { hours, minutes: m % 60 });
}

export const number = (n: number): string => new Intl.NumberFormat(locale()).format(n);
export const decimal = (n: number): string => new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(n);

/** A weekday's short name in the chosen language ("Mo", "Mon", "Pzt"); ISO weekday 1 is Monday (1 January 2024 was one). */
const weekdayName = (isoDay: number): string =>
  new Intl.DateTimeFormat(locale(), { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, isoDay)));

/** "Mo.–Fr." for ISO weekdays [1..5]. */
export function weekdays(days: number[]): string {
  const first = days[0]!;
  const last = days[days.length - 1]!;
  return first === last ? weekdayName(first) : `${weekdayName(first)}–${weekdayName(last)}`;
}

/**
 * Reads a date typed day first, as in every language offered here ("12.08.1948", "12/08/1948",
 * "12-08-1948", four-digit year), or as 1948-08-12; null if it is no real day.
 */
export function parseDate(typed: string): string | null {
  const text = westernDigits(typed.trim());
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const dayFirst = /^(\d{1,2})\s?[./-]\s?(\d{1,2})\s?[./-]\s?(\d{4})$/.exec(text);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : dayFirst ? [dayFirst[3], dayFirst[2], dayFirst[1]] : [];
  if (!y || !m || !d) return null;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d) || Number(y) < 1900) return null;
  return date.toISOString().slice(0, 10);
}

/** 1948-08-12 -> "12.08.1948" (how a date of birth is typed here, whatever the language). */
export const typedDate = (isoDay: string): string => isoDay.split('-').reverse().join('.');
