import ical, { ICalCalendarMethod } from 'ical-generator';
import type { AppointmentText } from './templates.js';

/**
 * An iCalendar file with one event per appointment (times in UTC, which every calendar
 * converts), written by ical-generator: escaping and RFC 5545 line folding at 75 octets
 * (a long centre address would otherwise make strict calendars refuse the file).
 */
export function calendar(bookingCode: string, appointments: (AppointmentText & { durationMinutes: number })[], now = new Date()): string {
  const cal = ical({ prodId: { company: 'Ansturm', product: 'Booking', language: 'DE' }, method: ICalCalendarMethod.PUBLISH });
  for (const a of appointments) {
    const start = new Date(a.startsAt);
    cal.createEvent({
      id: `${bookingCode}-${a.dose}@ansturm`,
      stamp: now,
      start,
      end: new Date(start.getTime() + a.durationMinutes * 60_000),
      summary: `Impfung ${a.dose} / Vaccination dose ${a.dose} (${bookingCode})`,
      location: `${a.center.name}, ${a.center.address}`,
    });
  }
  return cal.toString();
}
