import type { Language } from '../languages.js';
import type { Sql } from '../db/pool.js';
import { giveBack, keptFrom, type Way } from '../capacity/sql.js';
import { localDay } from '../time/zone.js';

/**
 * Every statement of the booking ledger, most of them for a whole batch of requests at once
 * (see db/group-commit.ts). Capacity is only ever taken by a single conditional UPDATE
 * (`taken + n <= capacity`, release open by the database clock) and given back by a single
 * UPDATE in the same transaction as the state change that frees it; the CHECK
 * slot_not_overbooked backs both.
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
  center_time_zone: string;
}

/** Where each field of a SlotRow comes from: the slot (`s`) or its centre (`c`). */
const SLOT_ROW: [table: 's' | 'c', column: string, field: keyof SlotRow][] = [
  ['s', 'id', 'id'],
  ['s', 'dose', 'dose'],
  ['s', 'starts_at', 'starts_at'],
  ['s', 'duration_minutes', 'duration_minutes'],
  ['s', 'center_id', 'center_id'],
  ['c', 'name', 'center_name'],
  ['c', 'address', 'center_address'],
  ['c', 'postal_code', 'center_postal_code'],
  ['c', 'lat', 'center_lat'],
  ['c', 'lon', 'center_lon'],
  ['c', 'time_zone', 'center_time_zone'],
];

/** A SlotRow's fields from slot `slot` and centre `center`, each named with `prefix`. */
const slotFields = (slot: string, center: string, prefix = '') =>
  SLOT_ROW.map(([t, column, field]) => `${t === 's' ? slot : center}.${column} AS ${prefix}${field}`).join(', ');

const SLOT_FIELDS = slotFields('s', 'c');

/** The SlotRow of a row whose slot fields are named with `prefix` (null when the row has none). */
export function slotRowOf(row: object, prefix: string): SlotRow | null {
  const fields = row as Record<string, unknown>;
  if (fields[`${prefix}id`] === null || fields[`${prefix}id`] === undefined) return null;
  return Object.fromEntries(SLOT_ROW.map(([, , field]) => [field, fields[`${prefix}${field}`]])) as unknown as SlotRow;
}

export interface TakenFirstUnit extends SlotRow {
  campaign_id: number;
  doses: number;
  min_interval_days: number | null;
  max_interval_days: number | null;
}

export type { Way };

/** A first dose waiting for its second: the window is min..max local calendar days (at its centre) after it. */
export interface SecondDoseNeed {
  /** The first-dose slot: its requests share the need. */
  firstSlotId: number;
  centerId: number;
  campaignId: number;
  firstAt: Date;
  minDays: number;
  maxDays: number;
  need: number;
}

/** A second-dose slot found for a need (the first-dose slot's id), locked, with the units it has left; candidates come earliest first. */
export interface SecondDoseCandidate {
  need: number;
  id: number;
  free: number;
}

/** A later look's candidate: `free` is null where another transaction held the slot and it was passed over. */
export type LaterSecondDoseCandidate = Omit<SecondDoseCandidate, 'free'> & { free: number | null };

/**
 * For each need `g` (center_id, campaign_id, first_at, min_days, max_days, n), the earliest released
 * second-dose slots with free capacity at the same centre whose local calendar day (the centre's zone)
 * lies min..max days after the first dose, at most `n` of them, leaving out `exhausted` (an SQL array).
 * The range on starts_at lets the index narrow the search; the date difference decides.
 */
const secondDosesFor = (exhausted: string) => `CROSS JOIN LATERAL (
    SELECT s.id, s.starts_at FROM slots s JOIN releases r ON r.id = s.release_id JOIN centers c ON c.id = s.center_id
    WHERE s.center_id = g.center_id AND s.campaign_id = g.campaign_id AND s.dose = 2 AND s.taken < s.capacity
      AND r.opens_at <= clock_now() AND NOT (s.id = ANY(${exhausted}))
      AND s.starts_at BETWEEN g.first_at + make_interval(days => g.min_days - 1)
                          AND g.first_at + make_interval(days => g.max_days + 1)
      AND ${localDay('s.starts_at', 'c.time_zone')} - ${localDay('g.first_at', 'c.time_zone')}
          BETWEEN g.min_days AND g.max_days
    ORDER BY s.starts_at, s.id LIMIT g.n) s`;

/**
 * Locks the candidates found, as the WITH query `seconds` (second doses are locked after first doses, and by id),
 * with their free units. `skipLocked`: rows another transaction holds are passed over instead of waited for.
 */
const lockCandidates = (skipLocked = false) => `seconds AS MATERIALIZED (
    SELECT s.id, s.capacity - s.taken AS free FROM slots s
    WHERE s.id = ANY(ARRAY(SELECT id FROM candidates)) ORDER BY s.id FOR NO KEY UPDATE${skipLocked ? ' SKIP LOCKED' : ''}
  )`;

/** Why a request may not have a unit of its first-dose slot (the codes of errors.ts). */
export type FirstDoseRefusal = 'SLOT_NOT_FOUND' | 'WRONG_DOSE' | 'NOT_RELEASED' | 'SLOT_IN_PAST' | 'ADMISSION_REQUIRED' | 'ADMISSION_INVALID' | 'SLOT_FULL';

/** One request's first dose, decided: its slot (absent for an unknown id) and, for a refusal, why. */
export interface FirstDoseOutcome extends Partial<TakenFirstUnit> {
  refusal: FirstDoseRefusal | null;
  release_id: number | null;
  opens_at: Date | null;
  /** Slots whose units the statement took (the same in every row). */
  took: number;
  /** The second-dose candidates for the granted first doses, found and locked (the same in every row; null: none). */
  second_doses: SecondDoseCandidate[] | null;
}

/**
 * Takes first-dose units for many requests in one statement, decided in arrival order under the
 * row locks: the slots asked for are locked (first doses before second doses, then by id: the order
 * every statement here locks slots in, so transactions on other connections queue behind each other
 * instead of deadlocking), each request is checked against the rules (the slot exists, is a first
 * dose, is released by the database clock and in the future; a waiting room's units go only to
 * admissions to that very release, `admitted` one per request; no way takes the units kept for
 * another) and against what the requests before it took, and every slot's granted units are taken by
 * one UPDATE that checks the total again (`taken + n + kept <= capacity`; `took` counts the slots it
 * changed). One row per request, in the order asked; a refused one keeps nothing. The same statement
 * takes the first look for the granted first doses' second doses (`second_doses`: found and locked,
 * after the first doses), so that a batch whose second doses are all found there takes them with one
 * more statement: the slot locks are held until COMMIT, and every round trip through a busy node
 * until then keeps the next batch on the same slots waiting.
 */
export const takeFirstDoses = (way: Way, slotIds: number[], admitted: (number | null)[], tickets: (string | null)[]): Sql => {
  const share =
    way === 'waitlist' ? ', reserved = greatest(s.reserved - g.n, 0)' : way === 'phone' ? ', phone_reserved = greatest(s.phone_reserved - g.n, 0)' : '';
  return {
    text: `WITH req AS (
             SELECT ord, id, admitted, ticket FROM unnest($1::bigint[], $2::bigint[], $4::uuid[]) WITH ORDINALITY AS x(id, admitted, ticket, ord)
           ), locked AS MATERIALIZED (
             SELECT ${SLOT_FIELDS}, s.campaign_id, v.doses, v.min_interval_days, v.max_interval_days, s.taken, s.capacity,
                    s.starts_at <= clock_now() AS past, r.id AS release_id, r.opens_at,
                    (r.opens_at IS NOT NULL AND r.opens_at <= clock_now()) AS released, COALESCE(r.waiting_room, false) AS waiting_room,
                    ${keptFrom(way)} AS kept
             FROM slots s JOIN centers c ON c.id = s.center_id JOIN campaigns k ON k.id = s.campaign_id
                  JOIN vaccines v ON v.id = k.vaccine_id LEFT JOIN releases r ON r.id = s.release_id
             WHERE s.id = ANY($1::bigint[]) ORDER BY s.dose, s.id FOR NO KEY UPDATE OF s
           ), ruled AS (
             SELECT req.ord, req.id,
                    -- One live hold per admission (a second tab cannot hoard a second appointment). Its ticket row is
                    -- locked already (lockAdmissions), so this statement's snapshot has any hold made with it.
                    CASE WHEN req.ticket IS NOT NULL AND EXISTS (SELECT 1 FROM holds h WHERE h.ticket_id = req.ticket AND h.status = 'held')
                           THEN 'ADMISSION_IN_USE'
                         WHEN l.id IS NULL THEN 'SLOT_NOT_FOUND'
                         WHEN l.dose <> 1 THEN 'WRONG_DOSE'
                         WHEN NOT l.released THEN 'NOT_RELEASED'
                         WHEN l.past THEN 'SLOT_IN_PAST'
                         WHEN $3 AND l.waiting_room AND l.release_id IS DISTINCT FROM req.admitted
                           THEN CASE WHEN req.admitted IS NULL THEN 'ADMISSION_REQUIRED' ELSE 'ADMISSION_INVALID' END
                    END AS refusal
             FROM req LEFT JOIN locked l ON l.id = req.id
           ), decided AS (
             SELECT u.ord, u.id,
                    CASE WHEN u.refusal IS NULL
                          AND l.taken + l.kept + count(*) FILTER (WHERE u.refusal IS NULL) OVER (PARTITION BY u.id ORDER BY u.ord) > l.capacity
                         THEN 'SLOT_FULL' ELSE u.refusal END AS refusal
             FROM ruled u LEFT JOIN locked l ON l.id = u.id
           ), took AS (
             UPDATE slots s SET taken = s.taken + g.n${share}
             FROM (SELECT id, count(*)::int AS n FROM decided WHERE refusal IS NULL GROUP BY id) g, releases r
             WHERE s.id = g.id AND r.id = s.release_id AND s.taken + g.n + ${keptFrom(way)} <= s.capacity RETURNING s.id
           ), needs AS (
             SELECT l.id AS need, l.center_id, l.campaign_id, l.starts_at AS first_at, l.min_interval_days AS min_days,
                    l.max_interval_days AS max_days, count(*)::int AS n
             FROM decided d JOIN locked l ON l.id = d.id WHERE d.refusal IS NULL AND l.doses = 2
             GROUP BY l.id, l.center_id, l.campaign_id, l.starts_at, l.min_interval_days, l.max_interval_days
           ), candidates AS (
             SELECT g.need, s.id, s.starts_at FROM needs g ${secondDosesFor("'{}'::bigint[]")}
           ), ${lockCandidates()}
           SELECT d.refusal, l.*, (SELECT count(*) FROM took)::int AS took,
                  (SELECT json_agg(json_build_object('need', c.need, 'id', c.id, 'free', x.free) ORDER BY c.starts_at, c.id)
                   FROM candidates c JOIN seconds x ON x.id = c.id) AS second_doses
           FROM decided d LEFT JOIN locked l ON l.id = d.id ORDER BY d.ord`,
    values: [slotIds, admitted, way === 'public', tickets],
  };
};

/**
 * Second-dose candidates for needs left short by an earlier look (see secondDosesFor), past the slots
 * that filled, found and locked in one statement. This transaction already holds slot locks, and these
 * candidates may lie below them in id order: waiting for them could close a circle with another
 * transaction (a deadlock, found only after PostgreSQL's deadlock_timeout of a second). So a candidate
 * another transaction holds is passed over, and comes back with `free` null (see units.ts).
 */
export const lockSecondDoseCandidates = (needs: SecondDoseNeed[], exhausted: number[]): Sql => ({
  text: `WITH candidates AS (
           SELECT g.need, s.id, s.starts_at
           FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::timestamptz[], $5::int[], $6::int[], $7::int[])
                AS g(need, center_id, campaign_id, first_at, min_days, max_days, n)
           ${secondDosesFor('$8::bigint[]')}
         ), ${lockCandidates(true)}
         SELECT c.need, c.id, x.free FROM candidates c LEFT JOIN seconds x ON x.id = c.id ORDER BY c.starts_at, c.id`,
  values: [
    needs.map((n) => n.firstSlotId),
    needs.map((n) => n.centerId),
    needs.map((n) => n.campaignId),
    needs.map((n) => n.firstAt),
    needs.map((n) => n.minDays),
    needs.map((n) => n.maxDays),
    needs.map((n) => n.need),
    exhausted,
  ],
});

/** Takes `counts[i]` units of `slotIds[i]`, each only if that many are still free. */
export const takeUnitsOf = (slotIds: number[], counts: number[]): Sql => ({
  text: `UPDATE slots s SET taken = s.taken + u.n FROM unnest($1::bigint[], $2::int[]) AS u(id, n), centers c
         WHERE s.id = u.id AND s.taken + u.n <= s.capacity AND c.id = s.center_id
         RETURNING ${SLOT_FIELDS}`,
  values: [slotIds, counts],
});

export interface NewHold {
  id: string;
  campaignId: number;
  slotId: number;
  secondSlotId: number | null;
  ticketId: string | null;
}

export const insertHolds = (holds: NewHold[], ttlSeconds: number): Sql => ({
  text: `INSERT INTO holds (id, campaign_id, slot_id, second_slot_id, ticket_id, expires_at)
         SELECT id, campaign_id, slot_id, second_slot_id, ticket_id, clock_now() + make_interval(secs => $6)
         FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::bigint[], $5::uuid[]) AS h(id, campaign_id, slot_id, second_slot_id, ticket_id)
         RETURNING expires_at`,
  values: [
    holds.map((h) => h.id),
    holds.map((h) => h.campaignId),
    holds.map((h) => h.slotId),
    holds.map((h) => h.secondSlotId),
    holds.map((h) => h.ticketId),
    ttlSeconds,
  ],
});

export interface AdmissionRow {
  id: string;
  state: string;
  live: boolean;
}

/**
 * The admissions asked for, locked (the controller cannot lapse them under us, and no other transaction can hold with
 * them until this one ends). Whether each already holds a unit is read by the statement that takes the units
 * (takeFirstDoses), which begins after these locks are granted, so it sees the hold of any transaction it waited for.
 */
export const lockAdmissions = (ticketIds: string[]): Sql => ({
  text: `SELECT t.id, t.state, t.admission_expires_at > clock_now() AS live
         FROM queue_tickets t WHERE t.id = ANY($1::uuid[]) ORDER BY t.id FOR UPDATE OF t`,
  values: [ticketIds],
});

export interface HoldForBooking {
  id: string;
  status: string;
  expired: boolean;
  campaign_id: number;
  slot_id: number;
  second_slot_id: number | null;
  ticket_id: string | null;
  /** The person the admission behind the hold is bound to (null: none, or no admission). */
  bound_person: Buffer | null;
  /** The first appointment's local day at its centre (YYYY-MM-DD). */
  first_day: string;
  min_age: number | null;
  max_age: number | null;
  districts: string[] | null;
  priority_groups: string[] | null;
  require_verified_contact: boolean;
  /** The appointments' slots, first_* and second_* (see slotRowOf). */
  [slotField: `first_${string}` | `second_${string}`]: unknown;
}

/**
 * The holds asked for, locked so that the expiry sweep (SKIP LOCKED) leaves them alone meanwhile, with
 * their campaigns' rules and their appointments; then, locked after the holds, the person each admission
 * behind them is bound to, so that no one binds another person to the place while its booking is written.
 */
export const lockHoldsForBooking = (holdIds: string[]): Sql => ({
  text: `WITH locked AS MATERIALIZED (
           SELECT h.id, h.status, h.expires_at <= clock_now() AS expired, h.campaign_id, h.slot_id, h.second_slot_id, h.ticket_id
           FROM holds h WHERE h.id = ANY($1::uuid[]) ORDER BY h.id FOR UPDATE
         ), bound AS MATERIALIZED (
           SELECT t.id, t.person_hash FROM queue_tickets t WHERE t.id = ANY(ARRAY(SELECT ticket_id FROM locked)) ORDER BY t.id FOR UPDATE
         )
         SELECT l.*, b.person_hash AS bound_person, ${localDay('s.starts_at', 'c.time_zone')}::text AS first_day,
                k.min_age, k.max_age, k.districts, k.priority_groups, k.require_verified_contact,
                ${slotFields('s', 'c', 'first_')}, ${slotFields('s2', 'c2', 'second_')}
         FROM locked l JOIN slots s ON s.id = l.slot_id JOIN centers c ON c.id = s.center_id JOIN campaigns k ON k.id = l.campaign_id
              LEFT JOIN slots s2 ON s2.id = l.second_slot_id LEFT JOIN centers c2 ON c2.id = s2.center_id
              LEFT JOIN bound b ON b.id = l.ticket_id`,
  values: [holdIds],
});

/** Consumes live holds; one that was used or has expired is left as it is (and not counted). */
export const consumeHolds = (holdIds: string[]): Sql => ({
  text: `UPDATE holds SET status = 'confirmed' WHERE id = ANY($1::uuid[]) AND status = 'held' AND expires_at > clock_now()`,
  values: [holdIds],
});

export type CampaignRules = Pick<HoldForBooking, 'min_age' | 'max_age' | 'districts' | 'priority_groups' | 'require_verified_contact'>;

export const campaignRules = (campaignId: number): Sql => ({
  text: `SELECT min_age, max_age, districts, priority_groups, require_verified_contact FROM campaigns WHERE id = $1`,
  values: [campaignId],
});

/** For each postal code, the districts it belongs to (codes in none are left out). */
export const districtsContaining = (postalCodes: string[]): Sql => ({
  text: `SELECT pc AS postal_code, array_agg(d.name) AS districts
         FROM unnest($1::text[]) AS pc JOIN districts d ON d.postal_codes @> ARRAY[pc] GROUP BY pc`,
  values: [postalCodes],
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
  locale: Language;
  channel: 'web' | 'phone' | 'waitlist';
  bookedBy: string | null;
}

/**
 * Inserts bookings; a row whose code is taken, or whose person already has an active booking in
 * the campaign (the partial unique index, which also sees the other rows of this statement and
 * waits for concurrent ones), is left out. Returns the hold of each row written.
 */
export const insertBookings = (rows: NewBooking[]): Sql => {
  const col = <K extends keyof NewBooking>(k: K) => rows.map((b) => b[k]);
  return {
    text: `INSERT INTO bookings (code, campaign_id, slot_id, second_slot_id, hold_id, identity_hash,
                                 first_name, last_name, date_of_birth, postal_code, email, phone, priority_group, locale, channel, booked_by)
           SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::uuid[], $6::bytea[], $7::text[], $8::text[],
                                $9::date[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])
           ON CONFLICT DO NOTHING RETURNING id, hold_id`,
    values: [
      col('code'),
      col('campaignId'),
      col('slotId'),
      col('secondSlotId'),
      col('holdId'),
      col('identityHash'),
      col('firstName'),
      col('lastName'),
      col('dateOfBirth'),
      col('postalCode'),
      col('email'),
      col('phone'),
      col('priorityGroup'),
      col('locale'),
      col('channel'),
      col('bookedBy'),
    ],
  };
};

/** Which of these people already have an active booking in the campaign. */
export const activeIdentities = (campaignIds: number[], identityHashes: Buffer[]): Sql => ({
  text: `SELECT b.campaign_id, b.identity_hash FROM bookings b
         JOIN unnest($1::bigint[], $2::bytea[]) AS p(campaign_id, identity_hash)
           ON b.campaign_id = p.campaign_id AND b.identity_hash = p.identity_hash
         WHERE b.status = 'active'`,
  values: [campaignIds, identityHashes],
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
  locale: Language;
  created_at: Date;
  cancelled_at: Date | null;
}

const BOOKING_FIELDS = `id, code, status, campaign_id, slot_id, second_slot_id, first_name, last_name, date_of_birth,
                postal_code, email, phone, priority_group, locale, created_at, cancelled_at`;

/** A booking found by its code and its person's date of birth; one whose personal data has been erased is found no more. */
export const bookingByCode = (code: string, dateOfBirth: string, lock = false): Sql => ({
  text: `SELECT ${BOOKING_FIELDS} FROM bookings WHERE code = $1 AND date_of_birth = $2 AND anonymised_at IS NULL ${lock ? 'FOR UPDATE' : ''}`,
  values: [code, dateOfBirth],
});

export const lockBookingById = (bookingId: number): Sql => ({
  text: `SELECT ${BOOKING_FIELDS} FROM bookings WHERE id = $1 FOR UPDATE`,
  values: [bookingId],
});

export const slotsWithCenters = (slotIds: number[]): Sql => ({
  text: `SELECT ${SLOT_FIELDS} FROM slots s JOIN centers c ON c.id = s.center_id WHERE s.id = ANY($1) ORDER BY s.dose`,
  values: [slotIds],
});

export const cancelBooking = (bookingId: number): Sql => ({
  text: `UPDATE bookings SET status = 'cancelled', cancelled_at = clock_now()
         WHERE id = $1 AND status = 'active' RETURNING slot_id, second_slot_id`,
  values: [bookingId],
});

export const settleWaitlistEntries = (campaignIds: number[], identityHashes: Buffer[]): Sql => ({
  text: `UPDATE waitlist_entries w SET state = 'booked' FROM unnest($1::bigint[], $2::bytea[]) AS p(campaign_id, identity_hash)
         WHERE w.campaign_id = p.campaign_id AND w.identity_hash = p.identity_hash AND w.state = 'waiting'`,
  values: [campaignIds, identityHashes],
});

export const expireHold = (holdId: string): Sql => ({
  text: `UPDATE holds SET status = 'expired' WHERE id = $1 AND status = 'held' RETURNING slot_id, second_slot_id`,
  values: [holdId],
});

/** Gives units back (see capacity/sql.ts): an id listed twice gives back two units. */
export const giveBackUnits = (slotIds: number[]): Sql => ({
  text: `WITH units AS (SELECT unnest($1::bigint[]) AS id), ${giveBack('units')}
         SELECT count(*)::int AS slots FROM given_back`,
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
           WHERE id IN (SELECT id FROM holds WHERE status = 'held' AND expires_at <= clock_now()
                        ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
           RETURNING slot_id, second_slot_id
         ), units AS (
           SELECT slot_id AS id FROM expired
           UNION ALL SELECT second_slot_id FROM expired WHERE second_slot_id IS NOT NULL
         ), ${giveBack('units')}
         SELECT (SELECT count(*) FROM expired)::int AS holds, (SELECT count(*) FROM given_back)::int AS slots`,
  values: [batch],
});

/** Seconds until the longest lock among these keys ends (null: none is locked). */
export const lookupLockedFor = (keys: string[]): Sql => ({
  text: `SELECT ceil(extract(epoch FROM max(locked_until) - clock_now()))::int AS retry_after
         FROM lookup_failures WHERE key = ANY($1::text[]) AND locked_until > clock_now()`,
  values: [keys],
});

/** Counts one failed lookup per key in its window; a key that reaches its most is locked for a window. */
export const recordLookupFailures = (keys: string[], maxFailures: number[], windowSeconds: number): Sql => ({
  text: `INSERT INTO lookup_failures AS f (key, failures, max_failures, window_started_at, locked_until)
         SELECT k.key, 1, k.max, clock_now(), CASE WHEN k.max <= 1 THEN clock_now() + make_interval(secs => $3) END
         FROM unnest($1::text[], $2::int[]) AS k(key, max)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN f.window_started_at < clock_now() - make_interval(secs => $3) THEN 1 ELSE f.failures + 1 END,
           window_started_at = CASE WHEN f.window_started_at < clock_now() - make_interval(secs => $3) THEN clock_now() ELSE f.window_started_at END,
           max_failures = EXCLUDED.max_failures,
           locked_until = CASE
             WHEN (CASE WHEN f.window_started_at < clock_now() - make_interval(secs => $3) THEN 1 ELSE f.failures + 1 END) >= EXCLUDED.max_failures
             THEN clock_now() + make_interval(secs => $3)
             ELSE f.locked_until END`,
  values: [keys, maxFailures, windowSeconds],
});

/** Counts whose window and lock have both passed. */
export const pruneLookupFailures = (windowSeconds: number): Sql => ({
  text: `DELETE FROM lookup_failures
         WHERE window_started_at < clock_now() - make_interval(secs => $1) AND (locked_until IS NULL OR locked_until < clock_now())`,
  values: [windowSeconds],
});
