import type { Sql } from '../db/pool.js';
import { isLocalToday, localDay } from '../time/zone.js';

export interface CheckinAppointment {
  booking_id: number;
  code: string;
  status: string;
  first_name: string;
  last_name: string;
  date_of_birth: string;
  dose: number;
  slot_id: number;
  center_id: number;
  center_name: string;
  starts_at: Date;
  day: string;
  today: boolean;
  started: boolean;
  attendance: string | null;
  attendance_at: Date | null;
}

const APPOINTMENT_FIELDS = `b.id AS booking_id, b.code, b.status, b.first_name, b.last_name, b.date_of_birth,
  s.dose, s.id AS slot_id, s.center_id, c.name AS center_name, s.starts_at,
  ${localDay('s.starts_at', 'c.time_zone')} AS day,
  ${isLocalToday('s.starts_at', 'c.time_zone')} AS today,
  s.starts_at <= clock_now() AS started, a.state AS attendance, a.at AS attendance_at`;

/** Both appointments of a booking, with what was recorded at the door. */
export const appointmentsOfBooking = (code: string, lock = false): Sql => ({
  text: `SELECT ${APPOINTMENT_FIELDS}
         FROM bookings b JOIN slots s ON s.id IN (b.slot_id, b.second_slot_id) JOIN centers c ON c.id = s.center_id
         LEFT JOIN attendance a ON a.booking_id = b.id AND a.dose = s.dose
         WHERE b.code = $1 ORDER BY s.dose ${lock ? 'FOR UPDATE OF b' : ''}`,
  values: [code],
});

/** A centre's day: every booked appointment, by time. */
export const dayList = (centerId: number, day: string): Sql => ({
  text: `SELECT ${APPOINTMENT_FIELDS}
         FROM slots s JOIN bookings b ON s.id IN (b.slot_id, b.second_slot_id) JOIN centers c ON c.id = s.center_id
         LEFT JOIN attendance a ON a.booking_id = b.id AND a.dose = s.dose
         WHERE s.center_id = $1 AND ${localDay('s.starts_at', 'c.time_zone')} = $2 AND b.status = 'active'
         ORDER BY s.starts_at, b.last_name, b.first_name`,
  values: [centerId, day],
});

export const recordAttendance = (bookingId: number, dose: number, state: 'attended' | 'no_show', by: string): Sql => ({
  text: `INSERT INTO attendance (booking_id, dose, state, by_actor) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING at`,
  values: [bookingId, dose, state, by],
});

/**
 * A missed first dose frees its dose for someone else today: one more unit on the next released
 * first-dose slot of the same centre and campaign later today. The wait-list matcher offers it to the
 * standby list (people whose wishes fit today, at that centre) within a second.
 */
export const addStandbyUnit = (slotId: number): Sql => ({
  text: `UPDATE slots SET capacity = capacity + 1
         WHERE id = (SELECT n.id FROM slots o JOIN slots n ON n.center_id = o.center_id AND n.campaign_id = o.campaign_id
                     JOIN centers c ON c.id = n.center_id
                     JOIN releases r ON r.id = n.release_id AND r.opens_at <= clock_now()
                     WHERE o.id = $1 AND n.dose = 1 AND n.starts_at > clock_now()
                       AND ${isLocalToday('n.starts_at', 'c.time_zone')}
                     ORDER BY n.starts_at LIMIT 1)
         RETURNING id, starts_at`,
  values: [slotId],
});

export const centersList = (centerIds: number[] | null): Sql => ({
  text: `SELECT id, name, address, postal_code AS "postalCode" FROM centers WHERE $1::bigint[] IS NULL OR id = ANY($1) ORDER BY name`,
  values: [centerIds],
});
