import type pg from 'pg';
import { run } from '../db/pool.js';
import { calendar } from './ics.js';
import { dropPendingMessages, enqueue, enqueueMany, type NewMessage } from './repo.js';
import { cancellationMessage, confirmationMessage, confirmationSms, reminderMessage, type Locale } from './templates.js';
import { recipientOf } from './verification.js';

export interface BookingContact {
  id: number;
  code: string;
  email: string | null;
  phone: string | null;
  locale: Locale;
}

export interface AppointmentForMessage {
  dose: number;
  startsAt: string;
  durationMinutes: number;
  center: { name: string; address: string; timeZone: string };
}

const DAY_MS = 86_400_000;

/**
 * A new booking's messages, written into the outbox inside the booking's transaction: the
 * confirmation by e-mail (with an .ics) and/or SMS, and a reminder the day before each
 * appointment (by e-mail if there is an address, else by SMS).
 */
export function bookingMessages(b: BookingContact, appointments: AppointmentForMessage[], now = Date.now()): NewMessage[] {
  const messages: NewMessage[] = [];
  if (b.email) {
    const m = confirmationMessage(b.code, appointments, b.locale);
    messages.push({
      kind: 'confirmation',
      channel: 'email',
      recipient: recipientOf('email', b.email),
      locale: b.locale,
      bookingId: b.id,
      subject: m.subject,
      text: m.text,
      html: m.html,
      attachments: [{ filename: `termin-${b.code}.ics`, contentType: 'text/calendar; charset=utf-8; method=PUBLISH', content: calendar(b.code, appointments) }],
    });
  }
  if (b.phone) {
    messages.push({
      kind: 'confirmation',
      channel: 'sms',
      recipient: recipientOf('sms', b.phone),
      locale: b.locale,
      bookingId: b.id,
      subject: '',
      text: confirmationSms(b.code, appointments, b.locale),
    });
  }
  return [...messages, ...reminders(b, appointments, now)];
}

export async function announceBooking(q: pg.ClientBase, b: BookingContact, appointments: AppointmentForMessage[]) {
  const messages = bookingMessages(b, appointments);
  if (messages.length > 0) await run(q, enqueueMany(messages));
}

export async function announceCancellation(q: pg.ClientBase, b: BookingContact, appointments: AppointmentForMessage[]) {
  await run(q, dropPendingMessages(b.id));
  const m = cancellationMessage(b.code, appointments, b.locale);
  if (b.email)
    await run(
      q,
      enqueue({
        kind: 'cancellation',
        channel: 'email',
        recipient: recipientOf('email', b.email),
        locale: b.locale,
        bookingId: b.id,
        subject: m.subject,
        text: m.text,
        html: m.html,
      }),
    );
  else if (b.phone)
    await run(
      q,
      enqueue({
        kind: 'cancellation',
        channel: 'sms',
        recipient: recipientOf('sms', b.phone),
        locale: b.locale,
        bookingId: b.id,
        subject: '',
        text: m.text.split('\n').filter(Boolean).join(' '),
      }),
    );
}

export async function announceRebooking(q: pg.ClientBase, b: BookingContact, appointments: AppointmentForMessage[]) {
  await run(q, dropPendingMessages(b.id));
  await announceBooking(q, b, appointments);
}

/** Reminders go out a day before; an appointment less than a day away gets none. They are sent once: the outbox marks them sent. */
function reminders(b: BookingContact, appointments: AppointmentForMessage[], now: number): NewMessage[] {
  const channel = b.email ? 'email' : b.phone ? 'sms' : undefined;
  if (!channel) return [];
  const recipient = recipientOf(channel, (b.email ?? b.phone)!);
  return appointments.flatMap((a): NewMessage[] => {
    const at = Date.parse(a.startsAt) - DAY_MS;
    if (at <= now) return [];
    const m = reminderMessage(b.code, a, b.locale);
    return [
      {
        kind: 'reminder',
        channel,
        recipient,
        locale: b.locale,
        bookingId: b.id,
        notBefore: new Date(at),
        subject: m.subject,
        text: channel === 'sms' ? m.text.split('\n').filter(Boolean).join(' ') : m.text,
        html: channel === 'email' ? m.html : undefined,
      },
    ];
  });
}
