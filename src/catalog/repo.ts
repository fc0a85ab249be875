import type { Land } from './holidays.js';
import type { Sql } from '../db/pool.js';
import { atLocal, INSTALLATION_ZONE, localDay } from '../time/zone.js';

/** Statements for what staff set up: centres, campaigns, districts, slots and releases. */

/** Tells every node's in-memory availability view to reload; delivered when the transaction commits. */
export const notifyCatalogChanged = (): Sql => ({ text: `SELECT pg_notify('ansturm_catalog', '')`, values: [] });

export interface NewCenter {
  name: string;
  address: string;
  postalCode: string;
  district: string;
  lat: number;
  lon: number;
  timeZone?: string;
  /** The Land, for its public holidays (null: not given). */
  state?: Land | null;
}

export const insertCenter = (c: NewCenter): Sql => ({
  text: `INSERT INTO centers (name, address, postal_code, district, lat, lon, time_zone, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING id, name, address, postal_code AS "postalCode", district, lat, lon, time_zone AS "timeZone", state`,
  values: [c.name, c.address, c.postalCode, c.district, c.lat, c.lon, c.timeZone ?? INSTALLATION_ZONE, c.state ?? null],
});

export const landOfCenter = (centerId: number): Sql => ({
  text: `SELECT state FROM centers WHERE id = $1`,
  values: [centerId],
});

export const listCenters = (): Sql => ({
  text: `SELECT id, name, address, postal_code AS "postalCode", district, lat, lon, time_zone AS "timeZone", state
         FROM centers ORDER BY id`,
  values: [],
});

/** Adds postal codes to a district, creating it if needed. */
export const addDistrictPostalCodes = (name: string, postalCodes: string[]): Sql => ({
  text: `INSERT INTO districts (name, postal_codes) VALUES ($1, ARRAY(SELECT DISTINCT unnest($2::text[]) ORDER BY 1))
         ON CONFLICT (name) DO UPDATE SET postal_codes =
           ARRAY(SELECT DISTINCT unnest(districts.postal_codes || EXCLUDED.postal_codes) ORDER BY 1)
         RETURNING name, postal_codes AS "postalCodes"`,
  values: [name, postalCodes],
});

export interface VaccineSpec {
  name: string;
  doses: number;
  minIntervalDays?: number;
  maxIntervalDays?: number;
}

/** Finds or creates the vaccine: one row per distinct (name, doses, interval). */
export const upsertVaccine = (v: VaccineSpec): Sql => ({
  text: `WITH ins AS (
           INSERT INTO vaccines (name, doses, min_interval_days, max_interval_days) VALUES ($1, $2, $3, $4)
           ON CONFLICT ON CONSTRAINT vaccine_unique DO NOTHING RETURNING id)
         SELECT id FROM ins
         UNION ALL
         SELECT id FROM vaccines WHERE name = $1 AND doses = $2
           AND min_interval_days IS NOT DISTINCT FROM $3 AND max_interval_days IS NOT DISTINCT FROM $4
         LIMIT 1`,
  values: [v.name, v.doses, v.minIntervalDays ?? null, v.maxIntervalDays ?? null],
});

export interface NewCampaign {
  name: string;
  vaccineId: number;
  minAge?: number;
  maxAge?: number;
  districts?: string[];
  priorityGroups?: string[];
  requireVerifiedContact?: boolean;
}

export const insertCampaign = (c: NewCampaign): Sql => ({
  text: `INSERT INTO campaigns (name, vaccine_id, min_age, max_age, districts, priority_groups, require_verified_contact)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
  values: [c.name, c.vaccineId, c.minAge ?? null, c.maxAge ?? null, c.districts ?? null, c.priorityGroups ?? null, c.requireVerifiedContact ?? false],
});

export interface CampaignRow {
  id: number;
  name: string;
  vaccine: { name: string; doses: number; minIntervalDays: number | null; maxIntervalDays: number | null };
  eligibility: { minAge: number | null; maxAge: number | null; districts: string[] | null; priorityGroups: string[] | null };
  requireVerifiedContact: boolean;
  releases: { id: number; opensAt: string; open: boolean; waitingRoom: boolean }[];
}

/** Campaigns with their vaccine, rules and releases (those not yet past, newest last). */
export const listCampaigns = (campaignId?: number): Sql => ({
  text: `SELECT k.id, k.name,
           json_build_object('name', v.name, 'doses', v.doses,
             'minIntervalDays', v.min_interval_days, 'maxIntervalDays', v.max_interval_days) AS vaccine,
           json_build_object('minAge', k.min_age, 'maxAge', k.max_age,
             'districts', k.districts, 'priorityGroups', k.priority_groups) AS eligibility,
           k.require_verified_contact AS "requireVerifiedContact",
           COALESCE((SELECT json_agg(json_build_object('id', r.id, 'opensAt', r.opens_at, 'open', r.opens_at <= clock_now(),
                                                       'waitingRoom', r.waiting_room) ORDER BY r.opens_at)
                     FROM releases r WHERE r.campaign_id = k.id), '[]') AS releases
         FROM campaigns k JOIN vaccines v ON v.id = k.vaccine_id
         WHERE $1::bigint IS NULL OR k.id = $1
         ORDER BY k.id`,
  values: [campaignId ?? null],
});

export interface CampaignDoses {
  doses: number;
}

export const campaignDoses = (campaignId: number): Sql => ({
  text: `SELECT v.doses FROM campaigns k JOIN vaccines v ON v.id = k.vaccine_id WHERE k.id = $1`,
  values: [campaignId],
});

export interface SlotOut {
  id: number;
  centerId: number;
  campaignId: number;
  releaseId: number | null;
  dose: number;
  startsAt: Date;
  durationMinutes: number;
  capacity: number;
  taken: number;
  /** The local day at its centre (YYYY-MM-DD); in the list only. */
  day?: string;
}

const SLOT_COLUMNS = `id, center_id AS "centerId", campaign_id AS "campaignId", release_id AS "releaseId", dose,
  starts_at AS "startsAt", duration_minutes AS "durationMinutes", capacity, taken`;

export interface NewSlot {
  centerId: number;
  campaignId: number;
  startsAt: string;
  durationMinutes: number;
  capacity: number;
  dose: number;
}

export const insertSlots = (slots: NewSlot[]): Sql => ({
  text: `INSERT INTO slots (center_id, campaign_id, starts_at, duration_minutes, capacity, dose)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::int[], $5::int[], $6::smallint[])
         RETURNING ${SLOT_COLUMNS}`,
  values: [
    slots.map((s) => s.centerId),
    slots.map((s) => s.campaignId),
    slots.map((s) => s.startsAt),
    slots.map((s) => s.durationMinutes),
    slots.map((s) => s.capacity),
    slots.map((s) => s.dose),
  ],
});

export interface SlotSeries {
  centerId: number;
  campaignId: number;
  dose: number;
  from: string;
  to: string;
  weekdays: number[];
  opens: string;
  closes: string;
  intervalMinutes: number;
  durationMinutes: number;
  capacity: number;
  skipDates: string[];
}

/**
 * Expands a series in the database: every interval from opening to closing time on the
 * chosen weekdays, in the centre's local wall-clock time (its zone), so a series that
 * crosses the switch to summer time still starts at 08:00.
 */
export const insertSlotSeries = (s: SlotSeries): Sql => ({
  text: `INSERT INTO slots (center_id, campaign_id, dose, starts_at, duration_minutes, capacity)
         SELECT $1, $2, $3, ${atLocal('t', 'c.time_zone')}, $10, $11
         FROM centers c, generate_series($4::date::timestamp, $5::date::timestamp, interval '1 day') AS d,
              generate_series(d::date + $7::time, d::date + $8::time - make_interval(mins => $10),
                              make_interval(mins => $9)) AS t
         WHERE c.id = $1 AND extract(isodow FROM d)::int = ANY($6::int[]) AND NOT d::date = ANY($12::date[])
         ORDER BY t
         RETURNING ${SLOT_COLUMNS}`,
  values: [s.centerId, s.campaignId, s.dose, s.from, s.to, s.weekdays, s.opens, s.closes, s.intervalMinutes, s.durationMinutes, s.capacity, s.skipDates],
});

/** Which of a campaign's slots to list: a centre, a dose, local days, only those not yet released. */
export interface SlotFilter {
  campaignId: number;
  centerId?: number;
  dose?: number;
  /** First and last local day at the centre, inclusive. */
  from?: string;
  to?: string;
  unreleased?: boolean;
  /** The centres a staff account may see (null or absent: all). */
  centerIds?: number[] | null;
  /** At most this many; one more is read to tell whether there are more. */
  limit: number;
}

/** A campaign's slots, each with its local day at its centre (the day staff choose releases by), in time order. */
export const listSlots = (f: SlotFilter): Sql => ({
  text: `SELECT ${SLOT_COLUMNS}, local_day::text AS day FROM (
           SELECT s.*, ${localDay('s.starts_at', 'c.time_zone')} AS local_day FROM slots s JOIN centers c ON c.id = s.center_id
           WHERE s.campaign_id = $1 AND ($2::bigint IS NULL OR s.center_id = $2) AND ($3::int IS NULL OR s.dose = $3)
             AND (NOT $6 OR s.release_id IS NULL) AND ($8::bigint[] IS NULL OR s.center_id = ANY($8))
         ) s
         WHERE ($4::date IS NULL OR local_day >= $4) AND ($5::date IS NULL OR local_day <= $5)
         ORDER BY starts_at, id LIMIT $7`,
  values: [f.campaignId, f.centerId ?? null, f.dose ?? null, f.from ?? null, f.to ?? null, f.unreleased ?? false, f.limit + 1, f.centerIds ?? null],
});

export const insertRelease = (campaignId: number, opensAt: string, waitingRoom: boolean): Sql => ({
  text: `INSERT INTO releases (campaign_id, opens_at, waiting_room) VALUES ($1, $2, $3)
         RETURNING id, campaign_id AS "campaignId", opens_at AS "opensAt", waiting_room AS "waitingRoom"`,
  values: [campaignId, opensAt, waitingRoom],
});

/** Puts slots into a release; only slots of the campaign that are in no release yet are taken. */
export const assignSlotsToRelease = (releaseId: number, campaignId: number, slotIds: number[]): Sql => ({
  text: `UPDATE slots SET release_id = $1 WHERE id = ANY($3::bigint[]) AND campaign_id = $2 AND release_id IS NULL
         RETURNING id`,
  values: [releaseId, campaignId, slotIds],
});

/** Release policy: keep a share of every first-dose slot for the wait list until `minutes` after opening. */
export const keepForWaitlist = (releaseId: number, share: number, minutes: number): Sql => ({
  text: `WITH r AS (UPDATE releases SET waitlist_until = opens_at + make_interval(mins => $3) WHERE id = $1 RETURNING id)
         UPDATE slots SET reserved = floor(capacity * $2::float8)::int FROM r WHERE slots.release_id = r.id AND slots.dose = 1`,
  values: [releaseId, share, minutes],
});

/** Release policy: keep a share of every first-dose slot for the hotline's callers until `until`. */
export const keepForPhone = (releaseId: number, share: number, until: string): Sql => ({
  text: `WITH r AS (UPDATE releases SET phone_until = $3 WHERE id = $1 RETURNING id)
         UPDATE slots SET phone_reserved = floor(capacity * $2::float8)::int FROM r WHERE slots.release_id = r.id AND slots.dose = 1`,
  values: [releaseId, share, until],
});

export interface ReleaseUnits {
  center_id: number;
  center_name: string;
  doses: number;
  first_dose_units: number;
  second_dose_free: number;
}

/**
 * Per centre: the first-dose units among these slots, and the free second-dose units of the campaign
 * at that centre within the vaccine's interval after them (what their second doses can draw on).
 */
export const releaseUnits = (slotIds: number[]): Sql => ({
  text: `WITH f AS (
           SELECT s.center_id, s.campaign_id, sum(s.capacity - s.taken)::int AS units,
                  min(s.starts_at) AS first_at, max(s.starts_at) AS last_at
           FROM slots s WHERE s.id = ANY($1::bigint[]) AND s.dose = 1 GROUP BY s.center_id, s.campaign_id)
         SELECT f.center_id, c.name AS center_name, v.doses, f.units AS first_dose_units,
                COALESCE((SELECT sum(t.capacity - t.taken)::int FROM slots t
                          WHERE t.center_id = f.center_id AND t.campaign_id = f.campaign_id AND t.dose = 2
                            AND t.starts_at >= f.first_at + make_interval(days => COALESCE(v.min_interval_days, 0))
                            AND t.starts_at < f.last_at + make_interval(days => COALESCE(v.max_interval_days, 0) + 1)), 0) AS second_dose_free
         FROM f JOIN centers c ON c.id = f.center_id JOIN campaigns k ON k.id = f.campaign_id JOIN vaccines v ON v.id = k.vaccine_id
         ORDER BY c.name`,
  values: [slotIds],
});

export const listReleases = (campaignId: number): Sql => ({
  text: `SELECT r.id, r.opens_at AS "opensAt", r.waiting_room AS "waitingRoom", r.waitlist_until AS "waitlistUntil", r.phone_until AS "phoneUntil",
                count(s.id)::int AS slots, COALESCE(sum(s.capacity) FILTER (WHERE s.dose = 1), 0)::int AS "firstDoseUnits",
                COALESCE(sum(s.taken) FILTER (WHERE s.dose = 1), 0)::int AS "firstDosesTaken",
                COALESCE(sum(s.phone_reserved) FILTER (WHERE s.dose = 1), 0)::int AS "phoneReserved",
                w.state AS "roomState"
         FROM releases r LEFT JOIN slots s ON s.release_id = r.id LEFT JOIN waiting_rooms w ON w.release_id = r.id
         WHERE r.campaign_id = $1 GROUP BY r.id, w.state ORDER BY r.opens_at`,
  values: [campaignId],
});

export const slotOwnership = (slotIds: number[]): Sql => ({
  text: `SELECT id, campaign_id, release_id FROM slots WHERE id = ANY($1::bigint[])`,
  values: [slotIds],
});
