import type { AppointmentText } from './templates.js';

const stamp = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');
/** RFC 5545 text: escape backslash, semicolon, comma and newlines. */
const text = (s: string) => s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\n/g, '\\n');

/** An iCalendar file with one event per appointment (times in UTC, which every calendar converts). */
export function calendar(bookingCode: string, appointments: (AppointmentText & { durationMinutes: number })[], now = new Date()): string {
  const events = appointments.flatMap((a) => {
    const start = new Date(a.startsAt);
    const end = new Date(start.getTime() + a.durationMinutes * 60_000);
    return [
      'BEGIN:VEVENT',
      `UID:${bookingCode}-${a.dose}@ansturm`,
      `DTSTAMP:${stamp(now.toISOString())}`,
      `DTSTART:${stamp(start.toISOString())}`,
      `DTEND:${stamp(end.toISOString())}`,
      `SUMMARY:${text(`Impfung ${a.dose} / Vaccination dose ${a.dose} (${bookingCode})`)}`,
      `LOCATION:${text(`${a.center.name}, ${a.center.address}`)}`,
      'END:VEVENT',
    ];
  });
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Ansturm//Booking//DE', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', ...events, 'END:VCALENDAR', ''].join('\r\n');
}
