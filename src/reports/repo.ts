import type { Sql } from '../db/pool.js';
import { localDay, localTime } from '../time/zone.js';

/** Bookings per minute over the last `minutes` minutes (minutes without bookings are absent). */
export const bookingsPerMinute = (minutes: number): Sql => ({
  text: `SELECT date_trunc('minute', created_at) AS minute, count(*)::int AS n FROM bookings
         WHERE created_at > clock_now() - make_interval(mins => $1) GROUP BY 1 ORDER BY 1`,
  values: [minutes],
});

export const bookingTotals = (): Sql => ({
  text: `SELECT count(*) FILTER (WHERE status = 'active')::int AS active, count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
                count(*) FILTER (WHERE channel = 'phone' AND status = 'active')::int AS phone FROM bookings`,
  values: [],
});

/** Per centre: first-dose units still free in released future slots, and those not yet released. */
export const remainingPerCenter = (): Sql => ({
  text: `SELECT c.id, c.name,
                COALESCE(sum(s.capacity - s.taken) FILTER (WHERE r.opens_at <= clock_now()), 0)::int AS free,
                COALESCE(sum(s.capacity - s.taken) FILTER (WHERE r.opens_at > clock_now()), 0)::int AS upcoming
         FROM centers c LEFT JOIN slots s ON s.center_id = c.id AND s.dose = 1 AND s.starts_at > clock_now()
         LEFT JOIN releases r ON r.id = s.release_id
         GROUP BY c.id ORDER BY c.name`,
  values: [],
});

/** One centre's appointments of a day, for the export. */
export const centerName = (centerId: number): Sql => ({ text: `SELECT name FROM centers WHERE id = $1`, values: [centerId] });

export const exportDay = (centerId: number, day: string): Sql => ({
  text: `SELECT ${localTime('s.starts_at', 'c.time_zone')} AS local_time, s.dose, b.code, b.last_name, b.first_name, b.date_of_birth, b.postal_code, b.phone, b.email,
                b.channel, b.status, a.state AS attendance
         FROM slots s JOIN centers c ON c.id = s.center_id JOIN bookings b ON s.id IN (b.slot_id, b.second_slot_id)
         LEFT JOIN attendance a ON a.booking_id = b.id AND a.dose = s.dose
         WHERE s.center_id = $1 AND ${localDay('s.starts_at', 'c.time_zone')} = $2
         ORDER BY s.starts_at, b.last_name, b.first_name`,
  values: [centerId, day],
});
