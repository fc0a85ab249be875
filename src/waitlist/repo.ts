import type { Language } from '../languages.js';
import { giveBack } from '../capacity/sql.js';
import type { Sql } from '../db/pool.js';
import { isLocalToday, localDay, localWeekday } from '../time/zone.js';

/** Statements of the wait list. */

export interface NewEntry {
  campaignId: number;
  secretHash: Buffer;
  identityHash: Buffer;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  postalCode: string;
  email: string | null;
  phone: string | null;
  locale: Language;
  priorityGroup: string | null;
  priority: number;
  lat: number;
  lon: number;
  maxDistanceKm: number | null;
  centerIds: number[] | null;
  earliest: string | null;
  latest: string | null;
  weekdays: number[] | null;
  channel: string;
}

export const insertEntry = (e: NewEntry): Sql => ({
  text: `INSERT INTO waitlist_entries (campaign_id, secret_hash, identity_hash, first_name, last_name, date_of_birth, postal_code,
           email, phone, locale, priority_group, priority, lat, lon, max_distance_km, center_ids, earliest, latest, weekdays, channel)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id`,
  values: [
    e.campaignId,
    e.secretHash,
    e.identityHash,
    e.firstName,
    e.lastName,
    e.dateOfBirth,
    e.postalCode,
    e.email,
    e.phone,
    e.locale,
    e.priorityGroup,
    e.priority,
    e.lat,
    e.lon,
    e.maxDistanceKm,
    e.centerIds,
    e.earliest,
    e.latest,
    e.weekdays,
    e.channel,
  ],
});

export interface EntryRow {
  id: number;
  campaign_id: number;
  secret_hash: Buffer;
  first_name: string;
  last_name: string;
  date_of_birth: string;
  postal_code: string;
  email: string | null;
  phone: string | null;
  locale: Language;
  priority_group: string | null;
  priority: number;
  lat: number;
  lon: number;
  max_distance_km: number | null;
  center_ids: number[] | null;
  earliest: string | null;
  latest: string | null;
  weekdays: number[] | null;
  state: 'waiting' | 'offered' | 'booked' | 'left';
  joined_at: Date;
}

export const entry = (id: number, lock = false): Sql => ({
  text: `SELECT * FROM waitlist_entries WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
  values: [id],
});

/** People waiting ahead of this entry in its campaign's line. */
export const entriesAhead = (e: EntryRow): Sql => ({
  text: `SELECT count(*)::int AS n FROM waitlist_entries
         WHERE campaign_id = $1 AND state = 'waiting' AND (priority, joined_at, id) < ($2, $3, $4)`,
  values: [e.campaign_id, e.priority, e.joined_at, e.id],
});

export const setEntryState = (id: number, state: EntryRow['state']): Sql => ({
  text: `UPDATE waitlist_entries SET state = $2 WHERE id = $1`,
  values: [id, state],
});

export const activeBookingOf = (campaignId: number, identityHash: Buffer): Sql => ({
  text: `SELECT 1 FROM bookings WHERE campaign_id = $1 AND identity_hash = $2 AND status = 'active'`,
  values: [campaignId, identityHash],
});

export const campaignsWithWaiting = (): Sql => ({
  text: `SELECT DISTINCT campaign_id FROM waitlist_entries WHERE state = 'waiting'`,
  values: [],
});

/** Whether anything at all is free for the wait list in this campaign (cheap: skip the line when not). */
export const anythingFree = (campaignId: number): Sql => ({
  text: `SELECT EXISTS (SELECT 1 FROM slots s JOIN releases r ON r.id = s.release_id
           WHERE s.campaign_id = $1 AND s.dose = 1 AND s.taken < s.capacity AND s.starts_at > clock_now() + interval '1 hour'
             AND r.opens_at <= clock_now()) AS free`,
  values: [campaignId],
});

/** The line, in order: priority group first, then join time. */
export const waitingEntries = (campaignId: number, limit: number): Sql => ({
  text: `SELECT * FROM waitlist_entries WHERE campaign_id = $1 AND state = 'waiting'
         ORDER BY priority, joined_at, id LIMIT $2`,
  values: [campaignId, limit],
});

/** Free first-dose slots that fit the entry's wishes (place, distance, days, weekdays), earliest first; none it declined or let lapse. */
export const candidateSlots = (e: EntryRow): Sql => ({
  text: `SELECT s.id FROM slots s JOIN releases r ON r.id = s.release_id JOIN centers c ON c.id = s.center_id
         WHERE s.campaign_id = $1 AND s.dose = 1 AND s.taken < s.capacity AND s.starts_at > clock_now() + interval '1 hour'
           AND r.opens_at <= clock_now()
           AND ($2::bigint[] IS NULL OR s.center_id = ANY($2))
           AND ($3::real IS NULL OR 12742 * asin(sqrt(
                 sin(radians(c.lat - $4) / 2) ^ 2 + cos(radians($4)) * cos(radians(c.lat)) * sin(radians(c.lon - $5) / 2) ^ 2)) <= $3)
           AND ($6::date IS NULL OR ${localDay('s.starts_at', 'c.time_zone')} >= $6)
           AND ($7::date IS NULL OR ${localDay('s.starts_at', 'c.time_zone')} <= $7)
           AND ($8::int[] IS NULL OR ${localWeekday('s.starts_at', 'c.time_zone')} = ANY($8))
           AND s.id NOT IN (SELECT slot_id FROM waitlist_offers WHERE entry_id = $9 AND state IN ('declined', 'expired'))
         ORDER BY s.starts_at, s.id LIMIT 3`,
  values: [e.campaign_id, e.center_ids, e.max_distance_km, e.lat, e.lon, e.earliest, e.latest, e.weekdays, e.id],
});

export const lockWaitingEntry = (id: number): Sql => ({
  text: `SELECT id FROM waitlist_entries WHERE id = $1 AND state = 'waiting' FOR UPDATE SKIP LOCKED`,
  values: [id],
});

export const insertOffer = (entryId: number, holdId: string, slotId: number, secretHash: Buffer): Sql => ({
  text: `INSERT INTO waitlist_offers (entry_id, hold_id, slot_id, secret_hash) VALUES ($1, $2, $3, $4) RETURNING id`,
  values: [entryId, holdId, slotId, secretHash],
});

export interface OfferRow {
  id: string;
  entry_id: number;
  hold_id: string;
  slot_id: number;
  secret_hash: Buffer;
  state: 'open' | 'accepted' | 'declined' | 'expired';
  expires_at: Date;
  expired: boolean;
}

export const offer = (id: string, lock = false): Sql => ({
  text: `SELECT o.id, o.entry_id, o.hold_id, o.slot_id, o.secret_hash, o.state, h.expires_at, h.expires_at <= clock_now() OR h.status = 'expired' AS expired
         FROM waitlist_offers o JOIN holds h ON h.id = o.hold_id WHERE o.id = $1 ${lock ? 'FOR UPDATE OF o' : ''}`,
  values: [id],
});

export const openOfferOfEntry = (entryId: number): Sql => ({
  text: `SELECT o.id FROM waitlist_offers o WHERE o.entry_id = $1 AND o.state = 'open'`,
  values: [entryId],
});

export const decideOffer = (id: string, state: OfferRow['state']): Sql => ({
  text: `UPDATE waitlist_offers SET state = $2, decided_at = clock_now() WHERE id = $1 AND state = 'open' RETURNING id`,
  values: [id, state],
});

/**
 * Offers whose deadline passed: expired, and their people go back into the line, or
 * off it after a second missed offer (someone who no longer answers should not block others).
 */
export const expireOffers = (): Sql => ({
  text: `WITH expired AS (
           UPDATE waitlist_offers o SET state = 'expired', decided_at = clock_now()
           FROM holds h WHERE h.id = o.hold_id AND o.state = 'open' AND (h.status = 'expired' OR h.expires_at <= clock_now())
           RETURNING o.entry_id, o.hold_id
         ), released AS (
           UPDATE holds h SET status = 'expired' FROM expired e WHERE h.id = e.hold_id AND h.status = 'held'
           RETURNING h.slot_id, h.second_slot_id
         ), units AS (
           SELECT slot_id AS id FROM released UNION ALL SELECT second_slot_id FROM released WHERE second_slot_id IS NOT NULL
         ), ${giveBack('units')}
         UPDATE waitlist_entries w SET missed_offers = missed_offers + 1,
           state = CASE WHEN missed_offers + 1 >= 2 THEN 'left' ELSE 'waiting' END
         FROM expired e WHERE w.id = e.entry_id AND w.state = 'offered'
         RETURNING w.id`,
  values: [],
});

export const waitlistSummary = (campaignId: number): Sql => ({
  text: `SELECT
           (SELECT json_object_agg(state, n) FROM (SELECT state, count(*)::int AS n FROM waitlist_entries WHERE campaign_id = $1 GROUP BY state) e) AS entries,
           (SELECT json_object_agg(state, n) FROM (SELECT o.state, count(*)::int AS n FROM waitlist_offers o JOIN waitlist_entries e ON e.id = o.entry_id
                                                  WHERE e.campaign_id = $1 GROUP BY o.state) o) AS offers,
           (SELECT extract(epoch FROM avg(o.decided_at - o.created_at))::float8 FROM waitlist_offers o JOIN waitlist_entries e ON e.id = o.entry_id
             WHERE e.campaign_id = $1 AND o.state = 'accepted') AS avg_seconds_to_accept`,
  values: [campaignId],
});

/** An offer's appointments, for the offer page. */
export const offerAppointments = (holdId: string): Sql => ({
  text: `SELECT s.id AS "slotId", s.dose, s.starts_at AS "startsAt", s.duration_minutes AS "durationMinutes", c.name AS "centerName", c.address AS "centerAddress"
         FROM holds h JOIN slots s ON s.id IN (h.slot_id, h.second_slot_id) JOIN centers c ON c.id = s.center_id
         WHERE h.id = $1 ORDER BY s.dose`,
  values: [holdId],
});

/** Whether a slot lies later today (at its centre): an offer for it gets less time to answer. */
export const slotIsToday = (slotId: number): Sql => ({
  text: `SELECT ${isLocalToday('s.starts_at', 'c.time_zone')} AS today FROM slots s JOIN centers c ON c.id = s.center_id WHERE s.id = $1`,
  values: [slotId],
});
