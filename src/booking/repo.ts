import type { Sql } from '../db/pool.js';

/**
 * Every statement of the booking ledger. Capacity is only ever taken by a single
 * conditional UPDATE (`taken < capacity`, release open by the database clock) and
 * given back by a single UPDATE in the same transaction as the state change that
 * frees it; the CHECK slot_not_overbooked backs both.
 */

export interface SlotRow {
  id: number;
  dose: number;
  starts_at: Date;
  duration_minutes: number;
  center_id: number;
  center_name: string;
  center_address: string;
  center_postal_code: string;
  center_lat: number;
  center_lon: number;
}

const SLOT_FIELDS = `s.id, s.dose, s.starts_at, s.duration_minutes, s.center_id,
  c.name AS center_name, c.address AS center_address, c.postal_code AS center_postal_code,
  c.lat AS center_lat, c.lon AS center_lon`;

export interface TakenFirstUnit extends SlotRow {
  campaign_id: number;
  doses: number;
  min_interval_days: number | null;
  max_interval_days: number | null;
}

/** Units kept for the wait list and for the phone channel, while their release keeps them. */
const KEPT_FOR_WAITLIST = `CASE WHEN r.waitlist_until > now() THEN s.reserved ELSE 0 END`;
const KEPT_FOR_PHONE = `CASE WHEN r.phone_until > now() THEN s.phone_reserved ELSE 0 END`;

/**
 * Takes one unit of a released, future, first-dose slot, or returns no row. A release with
 * a waiting room gives units only to holders of an admission for that very release, and
 * units kept for the wait list or the phone stay out of public reach until the release lets them go.
 */
export const takeFirstDoseUnit = (slotId: number, admittedRelease: number | null): Sql => ({
  text: `UPDATE slots s SET taken = s.taken + 1
         FROM releases r, centers c, campaigns k, vaccines v
         WHERE s.id = $1 AND s.dose = 1 AND s.starts_at > now()
           AND s.taken + ${KEPT_FOR_WAITLIST} + ${KEPT_FOR_PHONE} < s.capacity
           AND r.id = s.release_id AND r.opens_at <= now() AND (NOT r.waiting_room OR r.id = $2)
           AND c.id = s.center_id AND k.id = s.campaign_id AND v.id = k.vaccine_id
         RETURNING ${SLOT_FIELDS}, s.campaign_id, v.doses, v.min_interval_days, v.max_interval_days`,
  values: [slotId, admittedRelease],
});

/**
 * The wait list's way in: any free unit but those kept for the phone, a kept one first (it bypasses
 * the waiting room, being a line of its own).
 */
export const takeFirstDoseUnitForWaitlist = (slotId: number): Sql => ({
  text: `UPDATE slots s SET taken = s.taken + 1, reserved = greatest(s.reserved - 1, 0)
         FROM releases r, centers c, campaigns k, vaccines v
         WHERE s.id = $1 AND s.dose = 1 AND s.taken + ${KEPT_FOR_PHONE} < s.capacity AND s.starts_at > now()
           AND r.id = s.release_id AND r.opens_at <= now()
           AND c.id = s.center_id AND k.id = s.campaign_id AND v.id = k.vaccine_id
         RETURNING ${SLOT_FIELDS}, s.campaign_id, v.doses, v.min_interval_days, v.max_interval_days`,
  values: [slotId],
});

/**
 * The hotline's way in: any free unit but those kept for the wait list, a phone-kept one first. Agents
 * book beside the public line, not through the waiting room, but only from released slots.
 */
export const takeFirstDoseUnitForPhone = (slotId: number): Sql => ({
  text: `UPDATE slots s SET taken = s.taken + 1, phone_reserved = greatest(s.phone_reserved - 1, 0)
         FROM releases r, centers c, campaigns k, vaccines v
         WHERE s.id = $1 AND s.dose = 1 AND s.taken + ${KEPT_FOR_WAITLIST} < s.capacity AND s.starts_at > now()
           AND r.id = s.release_id AND r.opens_at <= now()
           AND c.id = s.center_id AND k.id = s.campaign_id AND v.id = k.vaccine_id
         RETURNING ${SLOT_FIELDS}, s.campaign_id, v.doses, v.min_interval_days, v.max_interval_days`,
  values: [slotId],
});

export interface SlotState {
  dose: number;
  taken: number;
  capacity: number;
  released: boolean;
  opens_at: Date | null;
  past: boolean;
  waiting_room: boolean;
  release_id: number | null;
}

/** Why a slot could not be taken: read after the conditional UPDATE found no row. */
export const slotState = (slotId: number): Sql => ({
  text: `SELECT s.dose, s.taken, s.capacity, r.opens_at, (r.opens_at IS NOT NULL AND r.opens_at <= now()) AS released,
                s.starts_at <= now() AS past, COALESCE(r.waiting_room, false) AS waiting_room, r.id AS release_id
         FROM slots s LEFT JOIN releases r ON r.id = s.release_id WHERE s.id = $1`,
  values: [slotId],
});

/**
 * The earliest released second-dose slot with free capacity at the same centre whose
 * Berlin calendar day lies min..max days after the first dose. The range on starts_at
 * lets the index narrow the search; the date difference decides.
 */
export const findSecondDoseCandidate = (first: TakenFirstUnit): Sql => ({
  text: `SELECT s.id FROM slots s JOIN releases r ON r.id = s.release_id
         WHERE s.center_id = $1 AND s.campaign_id = $2 AND s.dose = 2 AND s.taken < s.capacity
           AND r.opens_at <= now()
           AND s.starts_at BETWEEN $3::timestamptz + make_interval(days => $4 - 1)
                               AND $3::timestamptz + make_interval(days => $5 + 1)
           AND (s.starts_at AT TIME ZONE 'Europe/Berlin')::date - ($3::timestamptz AT TIME ZONE 'Europe/Berlin')::date
               BETWEEN $4 AND $5
         ORDER BY s.starts_at, s.id LIMIT 1`,
  values: [first.center_id, first.campaign_id, first.starts_at, first.min_interval_days, first.max_interval_days],
});

/** Takes one unit of a second-dose slot chosen by findSecondDoseCandidate, if it is still free. */
export const takeSecondDoseUnit = (slotId: number): Sql => ({
  text: `UPDATE slots s SET taken = s.taken + 1 FROM centers c
         WHERE s.id = $1 AND s.taken < s.capacity AND c.id = s.center_id
         RETURNING ${SLOT_FIELDS}`,
  values: [slotId],
});

export const insertHold = (campaignId: number, slotId: number, secondSlotId: number | null, ttlSeconds: number, ticketId: string | null): Sql => ({
  text: `INSERT INTO holds (campaign_id, slot_id, second_slot_id, expires_at, ticket_id)
         VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5)
         RETURNING id, expires_at`,
  values: [campaignId, slotId, secondSlotId, ttlSeconds, ticketId],
});

export interface HoldForBooking {
  id: string;
  status: string;
  expired: boolean;
  campaign_id: number;
  slot_id: number;
  second_slot_id: number | null;
  ticket_id: string | null;
  starts_at: Date;
  min_age: number | null;
  max_age: number | null;
  districts: string[] | null;
  priority_groups: string[] | null;
  require_verified_contact: boolean;
}

export const holdForBooking = (holdId: string): Sql => ({
  text: `SELECT h.id, h.status, h.expires_at <= now() AS expired, h.campaign_id, h.slot_id, h.second_slot_id,
                h.ticket_id, s.starts_at, k.min_age, k.max_age, k.districts, k.priority_groups, k.require_verified_contact
         FROM holds h JOIN slots s ON s.id = h.slot_id JOIN campaigns k ON k.id = h.campaign_id
         WHERE h.id = $1`,
  values: [holdId],
});

/** Consumes a live hold; no row if it was used, expired or swept meanwhile. */
export const consumeHold = (holdId: string): Sql => ({
  text: `UPDATE holds SET status = 'confirmed' WHERE id = $1 AND status = 'held' AND expires_at > now() RETURNING id`,
  values: [holdId],
});

export type CampaignRules = Pick<HoldForBooking, 'min_age' | 'max_age' | 'districts' | 'priority_groups' | 'require_verified_contact'>;

export const campaignRules = (campaignId: number): Sql => ({
  text: `SELECT min_age, max_age, districts, priority_groups, require_verified_contact FROM campaigns WHERE id = $1`,
  values: [campaignId],
});

export const districtContains = (districts: string[], postalCode: string): Sql => ({
  text: `SELECT 1 FROM districts WHERE name = ANY($1) AND $2 = ANY(postal_codes) LIMIT 1`,
  values: [districts, postalCode],
});

export interface NewBooking {
  code: string;
  campaignId: number;
  slotId: number;
  secondSlotId: number | null;
  holdId: string;
  identityHash: Buffer;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  postalCode: string;
  email: string | null;
  phone: string | null;
  priorityGroup: string | null;
  locale: 'de' | 'en';
  channel: 'web' | 'phone' | 'waitlist';
  bookedBy: string | null;
}

export const insertBooking = (b: NewBooking): Sql => ({
  text: `INSERT INTO bookings (code, campaign_id, slot_id, second_slot_id, hold_id, identity_hash,
                               first_name, last_name, date_of_birth, postal_code, email, phone, priority_group, locale, channel, booked_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (code) DO NOTHING RETURNING id`,
  values: [
    b.code, b.campaignId, b.slotId, b.secondSlotId, b.holdId, b.identityHash,
    b.firstName, b.lastName, b.dateOfBirth, b.postalCode, b.email, b.phone, b.priorityGroup, b.locale, b.channel, b.bookedBy,
  ],
});

export interface BookingRow {
  id: number;
  code: string;
  status: string;
  campaign_id: number;
  slot_id: number;
  second_slot_id: number | null;
  first_name: string;
  last_name: string;
  date_of_birth: string;
  postal_code: string;
  email: string | null;
  phone: string | null;
  priority_group: string | null;
  locale: 'de' | 'en';
  created_at: Date;
  cancelled_at: Date | null;
}

export const bookingByCode = (code: string, dateOfBirth: string, lock = false): Sql => ({
  text: `SELECT id, code, status, campaign_id, slot_id, second_slot_id, first_name, last_name, date_of_birth,
                postal_code, email, phone, priority_group, locale, created_at, cancelled_at
         FROM bookings WHERE code = $1 AND date_of_birth = $2 ${lock ? 'FOR UPDATE' : ''}`,
  values: [code, dateOfBirth],
});

export const slotsWithCenters = (slotIds: number[]): Sql => ({
  text: `SELECT ${SLOT_FIELDS} FROM slots s JOIN centers c ON c.id = s.center_id WHERE s.id = ANY($1) ORDER BY s.dose`,
  values: [slotIds],
});

export const cancelBooking = (bookingId: number): Sql => ({
  text: `UPDATE bookings SET status = 'cancelled', cancelled_at = now()
         WHERE id = $1 AND status = 'active' RETURNING slot_id, second_slot_id`,
  values: [bookingId],
});

export const settleWaitlistEntry = (campaignId: number, identityHash: Buffer): Sql => ({
  text: `UPDATE waitlist_entries SET state = 'booked' WHERE campaign_id = $1 AND identity_hash = $2 AND state = 'waiting'`,
  values: [campaignId, identityHash],
});

export const expireHold = (holdId: string): Sql => ({
  text: `UPDATE holds SET status = 'expired' WHERE id = $1 AND status = 'held' RETURNING slot_id, second_slot_id`,
  values: [holdId],
});

/** Gives units back; an id listed twice gives back two units. */
export const releaseUnits = (slotIds: number[]): Sql => ({
  text: `UPDATE slots s SET taken = s.taken - u.n
         FROM (SELECT id, count(*)::int AS n FROM unnest($1::bigint[]) AS id GROUP BY id) u
         WHERE s.id = u.id`,
  values: [slotIds],
});

export const moveBooking = (bookingId: number, slotId: number, secondSlotId: number | null): Sql => ({
  text: `UPDATE bookings SET slot_id = $2, second_slot_id = $3 WHERE id = $1 AND status = 'active'`,
  values: [bookingId, slotId, secondSlotId],
});

/**
 * Expires overdue holds and returns their units in one statement, so a hold is never
 * expired without its capacity coming back (or the other way round). Batches are
 * bounded; SKIP LOCKED leaves holds that a confirmation is consuming right now alone.
 */
export const expireHolds = (batch: number): Sql => ({
  text: `WITH expired AS (
           UPDATE holds SET status = 'expired'
           WHERE id IN (SELECT id FROM holds WHERE status = 'held' AND expires_at <= now()
                        ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
           RETURNING slot_id, second_slot_id
         ), units AS (
           SELECT slot_id AS id FROM expired
           UNION ALL SELECT second_slot_id FROM expired WHERE second_slot_id IS NOT NULL
         ), freed AS (
           UPDATE slots s SET taken = s.taken - u.n
           FROM (SELECT id, count(*)::int AS n FROM units GROUP BY id) u
           WHERE s.id = u.id RETURNING s.id
         )
         SELECT (SELECT count(*) FROM expired)::int AS holds, (SELECT count(*) FROM freed)::int AS slots`,
  values: [batch],
});
