/**
 * The languages a citizen can use Ansturm in, in one place: the app's catalogues (web/src/i18n/),
 * the messages' texts (notify/texts/), the stored locale of bookings, messages and wait-list
 * entries (a CHECK in the database) and the language a page is served in all follow this list.
 * German is the default and the binding language.
 */
export const LANGUAGES = ['de', 'en', 'tr', 'ru', 'uk', 'ar', 'pl'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'de';

export const isLanguage = (value: unknown): value is Language => typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

/** Each language by its own name, as a person who reads only that language looks for it. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  de: 'Deutsch',
  en: 'English',
  tr: 'Türkçe',
  ru: 'Русский',
  uk: 'Українська',
  ar: 'العربية',
  pl: 'Polski',
};

/** Arabic is written right to left; a page in it is laid out mirrored. */
export const direction = (l: Language): 'ltr' | 'rtl' => (l === 'ar' ? 'rtl' : 'ltr');

/**
 * The Intl locale dates and numbers are written in. Arabic keeps the digits 0-9: booking codes,
 * postal codes and phone numbers are written in them, and one page should not mix two sets of digits.
 */
export const INTL_LOCALES: Record<Language, string> = {
  de: 'de-DE',
  en: 'en-GB',
  tr: 'tr-TR',
  ru: 'ru-RU',
  uk: 'uk-UA',
  ar: 'ar-u-nu-latn',
  pl: 'pl-PL',
};

/** Puts the values into a text's `{name}` places: "Noch {time} Minuten" + { time: '3:05' }. */
export const interpolate = (text: string, values: Record<string, string | number>): string =>
  text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));

/** Digits as typed on an Arabic or Persian keyboard ("٥٨٣٣٢") become 0-9, the digits every code and date here is in. */
export const westernDigits = (text: string): string => text.replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (c) => String(c.charCodeAt(0) & 0xf));
