import { formatter } from '../time/zone.js';

/** The words of every message, in German and English. Times are shown in the centre's own zone. */
export type Locale = 'de' | 'en';

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

const WHEN = { weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' } as const;
const LOCALES: Record<Locale, string> = { de: 'de-DE', en: 'en-GB' };

const when = (iso: string, locale: Locale, zone: string) => formatter(LOCALES[locale], zone, WHEN).format(new Date(iso));

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function lines(appointments: AppointmentText[], locale: Locale): string[] {
  return appointments.map((a) =>
    locale === 'de'
      ? `${a.dose}. Impfung: ${when(a.startsAt, 'de', a.center.timeZone)} Uhr, ${a.center.name}, ${a.center.address}`
      : `Dose ${a.dose}: ${when(a.startsAt, 'en', a.center.timeZone)}, ${a.center.name}, ${a.center.address}`,
  );
}

function page(paragraphs: string[], list: string[] = []): string {
  const items = list.length > 0 ? `<ul>${list.map((l) => `<li>${escape(l)}</li>`).join('')}</ul>` : '';
  return `<!doctype html><html><body style="font-family:sans-serif;font-size:16px;line-height:1.5">${paragraphs
    .map((p) => `<p>${escape(p)}</p>`)
    .join('')}${items}</body></html>`;
}

function compose(subject: string, before: string[], list: string[], after: string[]): Rendered {
  return { subject, text: [...before, '', ...list, '', ...after].join('\n'), html: page([...before], list) + (after.length ? page(after) : '') };
}

export function codeMessage(code: string, locale: Locale): Rendered {
  return locale === 'de'
    ? compose('Ihr Bestätigungscode', [`Ihr Code lautet: ${code}`], [], ['Er ist 30 Minuten gültig. Geben Sie ihn niemandem weiter.'])
    : compose('Your confirmation code', [`Your code is: ${code}`], [], ['It is valid for 30 minutes. Do not share it with anyone.']);
}

/** SMS have no subject and little room: one plain sentence. */
export function codeSms(code: string, locale: Locale): string {
  return locale === 'de' ? `Ihr Ansturm-Code: ${code} (30 Min. gültig)` : `Your Ansturm code: ${code} (valid 30 min)`;
}

export function confirmationMessage(bookingCode: string, appointments: AppointmentText[], locale: Locale): Rendered {
  return locale === 'de'
    ? compose(`Terminbestätigung ${bookingCode}`, ['Ihre Termine sind gebucht.', `Buchungscode: ${bookingCode}`], lines(appointments, 'de'), [
        'Bitte bringen Sie einen Ausweis mit. Absagen oder umbuchen können Sie mit Buchungscode und Geburtsdatum.',
      ])
    : compose(`Booking confirmation ${bookingCode}`, ['Your appointments are booked.', `Booking code: ${bookingCode}`], lines(appointments, 'en'), [
        'Please bring an identity document. You can cancel or rebook with your booking code and date of birth.',
      ]);
}

export function confirmationSms(bookingCode: string, appointments: AppointmentText[], locale: Locale): string {
  const first = appointments[0]!;
  return locale === 'de'
    ? `Termin gebucht (${bookingCode}): ${when(first.startsAt, 'de', first.center.timeZone)} Uhr, ${first.center.name}.`
    : `Booked (${bookingCode}): ${when(first.startsAt, 'en', first.center.timeZone)}, ${first.center.name}.`;
}

export function cancellationMessage(bookingCode: string, appointments: AppointmentText[], locale: Locale): Rendered {
  return locale === 'de'
    ? compose(`Termin abgesagt ${bookingCode}`, ['Diese Termine sind abgesagt:'], lines(appointments, 'de'), [])
    : compose(`Appointment cancelled ${bookingCode}`, ['These appointments are cancelled:'], lines(appointments, 'en'), []);
}

export function reminderMessage(bookingCode: string, appointment: AppointmentText, locale: Locale): Rendered {
  return locale === 'de'
    ? compose(`Erinnerung: Ihr Termin morgen`, [`Erinnerung an Ihren Termin (${bookingCode}):`], lines([appointment], 'de'), [])
    : compose(`Reminder: your appointment tomorrow`, [`A reminder of your appointment (${bookingCode}):`], lines([appointment], 'en'), []);
}

export function offerMessage(first: Pick<AppointmentText, 'startsAt' | 'center'>, deadline: string, link: string, locale: Locale): Rendered {
  return locale === 'de'
    ? compose(
        'Ein Termin ist für Sie frei',
        [
          `Von der Warteliste: ${when(first.startsAt, 'de', first.center.timeZone)} Uhr, ${first.center.name}, ${first.center.address}.`,
          `Bitte sagen Sie bis ${when(deadline, 'de', first.center.timeZone)} Uhr zu oder ab:`,
          link,
        ],
        [],
        ['Ohne Antwort geht der Termin an die nächste Person.'],
      )
    : compose(
        'An appointment is free for you',
        [
          `From the wait list: ${when(first.startsAt, 'en', first.center.timeZone)}, ${first.center.name}, ${first.center.address}.`,
          `Please accept or decline by ${when(deadline, 'en', first.center.timeZone)}:`,
          link,
        ],
        [],
        ['Without an answer the appointment goes to the next person.'],
      );
}

export function offerSms(first: { startsAt: string; center: { name: string; timeZone: string } }, deadline: string, link: string, locale: Locale): string {
  return locale === 'de'
    ? `Termin frei: ${when(first.startsAt, 'de', first.center.timeZone)} Uhr, ${first.center.name}. Zusagen bis ${when(deadline, 'de', first.center.timeZone)}: ${link}`
    : `Appointment free: ${when(first.startsAt, 'en', first.center.timeZone)}, ${first.center.name}. Accept by ${when(deadline, 'en', first.center.timeZone)}: ${link}`;
}
