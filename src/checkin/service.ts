import type pg from 'pg';
import { run, type Queryable } from '../db/pool.js';
import { fail } from '../errors.js';
import { parseBookingCode } from '../booking/code.js';
import type { BookingService } from '../booking/service.js';
import { formatBookingCode } from '../booking/code.js';
import { mayUseCenter, type Actor } from '../staff/auth.js';
import * as sql from './repo.js';

/** A booking code as typed at the desk, or as a scanner reads it from the confirmation's QR code. */
export function codeFromScan(raw: string): string {
  const text = raw.trim().replace(/^ANSTURM:/i, '');
  return parseBookingCode(text) ?? fail('BOOKING_NOT_FOUND', 'This is not a booking code (8 letters and digits, e.g. ABCD-2345).');
}

const view = (rows: sql.CheckinAppointment[]) => {
  const b = rows[0]!;
  return {
    bookingCode: formatBookingCode(b.code),
    status: b.status,
    person: { firstName: b.first_name, lastName: b.last_name, dateOfBirth: b.date_of_birth },
    appointments: rows.map((r) => ({
      dose: r.dose,
      slotId: r.slot_id,
      centerId: r.center_id,
      centerName: r.center_name,
      startsAt: r.starts_at.toISOString(),
      today: r.today,
      attendance: r.attendance,
      attendanceAt: r.attendance_at?.toISOString() ?? null,
    })),
  };
};

/** Check-in staff see only bookings at their centres: a booking elsewhere looks like no booking. */
function visible(staff: Actor, rows: sql.CheckinAppointment[]): sql.CheckinAppointment[] {
  if (rows.length === 0 || !rows.some((r) => mayUseCenter(staff, r.center_id))) return fail('BOOKING_NOT_FOUND');
  return rows;
}

export const checkinService = {
  async lookup(q: Queryable, staff: Actor, raw: string) {
    return view(visible(staff, (await run<sql.CheckinAppointment>(q, sql.appointmentsOfBooking(codeFromScan(raw)))).rows));
  },

  /**
   * Records that the person came, or did not, for one appointment: only on its day (a no-show only
   * after it began), once. A missed first dose cancels the booking (its second appointment goes back)
   * and puts its dose on today's standby list.
   */
  async record(q: pg.ClientBase, staff: Actor, bookings: BookingService, raw: string, dose: number, state: 'attended' | 'no_show') {
    const rows = visible(staff, (await run<sql.CheckinAppointment>(q, sql.appointmentsOfBooking(codeFromScan(raw), true))).rows);
    const appointment = rows.find((r) => r.dose === dose) ?? fail('BOOKING_NOT_FOUND', `This booking has no appointment for dose ${dose}.`);
    if (!mayUseCenter(staff, appointment.center_id)) fail('FORBIDDEN', 'Your account is not set up for this centre.');
    if (appointment.status !== 'active') fail('ALREADY_CANCELLED');
    if (!appointment.today || (state === 'no_show' && !appointment.started)) fail('NOT_TODAY');
    if ((await run(q, sql.recordAttendance(appointment.booking_id, dose, state, staff.actor))).rowCount !== 1) fail('ALREADY_RECORDED');
    let standby: { slotId: number; startsAt: string } | null = null;
    if (state === 'no_show' && dose === 1) {
      // The booking's own cancellation: units back, its pending reminders dropped, the person told.
      await bookings.cancelNoShow(q, appointment.booking_id);
      const added = (await run<{ id: number; starts_at: Date }>(q, sql.addStandbyUnit(appointment.slot_id))).rows[0];
      if (added) standby = { slotId: added.id, startsAt: added.starts_at.toISOString() };
    }
    return { ...view((await run<sql.CheckinAppointment>(q, sql.appointmentsOfBooking(appointment.code))).rows), standby };
  },

  /** A centre's day list (the account's centre limit is checked for every request that names one, in server.ts). */
  async day(q: Queryable, centerId: number, day: string) {
    const rows = (await run<sql.CheckinAppointment>(q, sql.dayList(centerId, day))).rows;
    return {
      centerId,
      day,
      appointments: rows.map((r) => ({
        startsAt: r.starts_at.toISOString(),
        dose: r.dose,
        bookingCode: formatBookingCode(r.code),
        name: `${r.last_name}, ${r.first_name}`,
        dateOfBirth: r.date_of_birth,
        attendance: r.attendance,
      })),
      counts: {
        booked: rows.length,
        attended: rows.filter((r) => r.attendance === 'attended').length,
        noShow: rows.filter((r) => r.attendance === 'no_show').length,
      },
    };
  },

  async centers(q: Queryable, staff: Actor) {
    return (await run(q, sql.centersList(staff.centerIds))).rows;
  },
};
