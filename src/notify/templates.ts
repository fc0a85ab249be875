import { formatter } from '../time/zone.js';
import { direction, INTL_LOCALES, interpolate, type Language } from '../languages.js';
import { de } from './texts/de.js';
import { en } from './texts/en.js';
import { tr } from './texts/tr.js';
import { ru } from './texts/ru.js';
import { uk } from './texts/uk.js';
import { ar } from './texts/ar.js';
import { pl } from './texts/pl.js';

/** The words of every message, one catalogue per language in texts/. Times are shown in the centre's own zone. */
export type Locale = Language;

/** What a message says; `{name}` marks where a value goes. SMS texts stay short: one segment where the script allows. */
export interface MessageTexts {
  /** A point in time as written in a sentence ("{when} Uhr"). */
  at: string;
  dose: string;
  codeSubject: string;
  code: string;
  codeValid: string;
  codeSms: string;
  confirmationSubject: string;
  booked: string;
  bookingCode: string;
  bring: string;
  confirmationSms: string;
  cancellationSubject: string;
  cancelled: string;
  reminderSubject: string;
  reminder: string;
  offerSubject: string;
  offer: string;
  offerDeadline: string;
  offerOtherwise: string;
  offerSms: string;
}

/** The shipped texts. Staff may change any of them per language (notify/message-texts.ts); `textsFor` merges both. */
export const MESSAGE_TEXTS: Record<Language, MessageTexts> = { de, en, tr, ru, uk, ar, pl };
export const MESSAGE_TEXT_KEYS = Object.keys(de) as (keyof MessageTexts)[];

/** The texts in use: the shipped ones with staff's changes over them, per language (a copy of the database's, reloaded every few seconds). */
let inUse: Record<Language, MessageTexts> = { ...MESSAGE_TEXTS };
/** Texts not yet saved, while a preview renders (rendering is synchronous, so nothing else renders meanwhile). */
let previewing: { locale: Language; texts: MessageTexts } | null = null;

export const textsFor = (locale: Language): MessageTexts => (previewing?.locale === locale ? previewing.texts : inUse[locale]);

/** Takes staff's changed texts (rows from message_texts) as the ones in use. */
export function useChangedTexts(rows: { lang: Language; key: keyof MessageTexts; text: string }[]): void {
  const next = Object.fromEntries(Object.entries(MESSAGE_TEXTS).map(([l, t]) => [l, { ...t }])) as Record<Language, MessageTexts>;
  for (const r of rows) if (next[r.lang] && r.key in next[r.lang]) next[r.lang][r.key] = r.text;
  inUse = next;
}

/** Renders with texts not yet saved: what a preview shows. */
export function renderWith<T>(locale: Language, texts: MessageTexts, render: () => T): T {
  previewing = { locale, texts };
  try {
    return render();
  } finally {
    previewing = null;
  }
}

export interface AppointmentText {
  dose: number;
  startsAt: string;
  center: { name: string; address: string; timeZone: string };
}

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

// 24-hour times in every language, as the centres and the web pages write them.
const WHEN = { weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;

const when = (iso: string, locale: Locale, zone: string) =>
  interpolate(textsFor(locale).at, { when: formatter(INTL_LOCALES[locale], zone, WHEN).format(new Date(iso)) });

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function lines(appointments: AppointmentText[], locale: Locale): string[] {
  return appointments.map((a) =>
    interpolate(textsFor(locale).dose, {
      dose: a.dose,
      when: when(a.startsAt, locale, a.center.timeZone),
      center: a.center.name,
      address: a.center.address,
    }),
  );
}

/** An e-mail's HTML: in the message's language and writing direction. */
function page(locale: Locale, paragraphs: string[], list: string[] = []): string {
  const items = list.length > 0 ? `<ul>${list.map((l) => `<li>${escape(l)}</li>`).join('')}</ul>` : '';
  return `<!doctype html><html lang="${locale}" dir="${direction(locale)}"><body style="font-family:sans-serif;font-size:16px;line-height:1.5">${paragraphs
    .map((p) => `<p>${escape(p)}</p>`)
    .join('')}${items}</body></html>`;
}

function compose(locale: Locale, subject: string, before: string[], list: string[], after: string[]): Rendered {
  return {
    subject,
    text: [...before, '', ...list, '', ...after].join('\n'),
    html: page(locale, [...before], list) + (after.length ? page(locale, after) : ''),
  };
}

export function codeMessage(code: string, locale: Locale): Rendered {
  const w = textsFor(locale);
  return compose(locale, w.codeSubject, [interpolate(w.code, { code })], [], [w.codeValid]);
}

/** SMS have no subject and little room: one plain sentence. */
export const codeSms = (code: string, locale: Locale): string => interpolate(textsFor(locale).codeSms, { code });

export function confirmationMessage(bookingCode: string, appointments: AppointmentText[], locale: Locale): Rendered {
  const w = textsFor(locale);
  return compose(
    locale,
    interpolate(w.confirmationSubject, { code: bookingCode }),
    [w.booked, interpolate(w.bookingCode, { code: bookingCode })],
    lines(appointments, locale),
    [w.bring],
  );
}

export function confirmationSms(bookingCode: string, appointments: AppointmentText[], locale: Locale): string {
  const first = appointments[0]!;
  return interpolate(textsFor(locale).confirmationSms, {
    code: bookingCode,
    when: when(first.startsAt, locale, first.center.timeZone),
    center: first.center.name,
  });
}

export function cancellationMessage(bookingCode: string, appointments: AppointmentText[], locale: Locale): Rendered {
  const w = textsFor(locale);
  return compose(locale, interpolate(w.cancellationSubject, { code: bookingCode }), [w.cancelled], lines(appointments, locale), []);
}

export function reminderMessage(bookingCode: string, appointment: AppointmentText, locale: Locale): Rendered {
  const w = textsFor(locale);
  return compose(locale, w.reminderSubject, [interpolate(w.reminder, { code: bookingCode })], lines([appointment], locale), []);
}

export function offerMessage(first: Pick<AppointmentText, 'startsAt' | 'center'>, deadline: string, link: string, locale: Locale): Rendered {
  const w = textsFor(locale);
  const zone = first.center.timeZone;
  return compose(
    locale,
    w.offerSubject,
    [
      interpolate(w.offer, { when: when(first.startsAt, locale, zone), center: first.center.name, address: first.center.address }),
      interpolate(w.offerDeadline, { deadline: when(deadline, locale, zone) }),
      link,
    ],
    [],
    [w.offerOtherwise],
  );
}

export function offerSms(first: { startsAt: string; center: { name: string; timeZone: string } }, deadline: string, link: string, locale: Locale): string {
  const zone = first.center.timeZone;
  return interpolate(textsFor(locale).offerSms, {
    when: when(first.startsAt, locale, zone),
    center: first.center.name,
    deadline: when(deadline, locale, zone),
    link,
  });
}
