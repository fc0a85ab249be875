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

export const MESSAGE_TEXTS: Record<Language, MessageTexts> = { de, en, tr, ru, uk, ar, pl };

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
  interpolate(MESSAGE_TEXTS[locale].at, { when: formatter(INTL_LOCALES[locale], zone, WHEN).format(new Date(iso)) });

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function lines(appointments: AppointmentText[], locale: Locale): string[] {
  return appointments.map((a) =>
    interpolate(MESSAGE_TEXTS[locale].dose, {
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
  const w = MESSAGE_TEXTS[locale];
  return compose(locale, w.codeSubject, [interpolate(w.code, { code })], [], [w.codeValid]);
}

/** SMS have no subject and little room: one plain sentence. */
export const codeSms = (code: string, locale: Locale): string => interpolate(MESSAGE_TEXTS[locale].codeSms, { code });

export function confirmationMessage(bookingCode: string, appointments: AppointmentText[], locale: Locale): Rendered {
  const w = MESSAGE_TEXTS[locale];
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
  return interpolate(MESSAGE_TEXTS[locale].confirmationSms, {
    code: bookingCode,
    when: when(first.startsAt, locale, first.center.timeZone),
    center: first.center.name,
  });
}

export function cancellationMessage(bookingCode: string, appointments: AppointmentText[], locale: Locale): Rendered {
  const w = MESSAGE_TEXTS[locale];
  return compose(locale, interpolate(w.cancellationSubject, { code: bookingCode }), [w.cancelled], lines(appointments, locale), []);
}

export function reminderMessage(bookingCode: string, appointment: AppointmentText, locale: Locale): Rendered {
  const w = MESSAGE_TEXTS[locale];
  return compose(locale, w.reminderSubject, [interpolate(w.reminder, { code: bookingCode })], lines([appointment], locale), []);
}

export function offerMessage(first: Pick<AppointmentText, 'startsAt' | 'center'>, deadline: string, link: string, locale: Locale): Rendered {
  const w = MESSAGE_TEXTS[locale];
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
  return interpolate(MESSAGE_TEXTS[locale].offerSms, {
    when: when(first.startsAt, locale, zone),
    center: first.center.name,
    deadline: when(deadline, locale, zone),
    link,
  });
}
