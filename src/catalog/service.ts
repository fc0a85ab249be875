import type pg from 'pg';
import { PG, pgCode, pgConstraint, run, type Queryable } from '../db/pool.js';
import { fail } from '../errors.js';
import * as sql from './repo.js';
import { createRoom } from '../queue/repo.js';
import { seedHashOf } from '../queue/draw.js';
import { randomBytes } from 'node:crypto';
import { holidaysBetween, type Land } from './holidays.js';
import { isTimeZone } from '../time/zone.js';

export interface CampaignInput {
  name: string;
  vaccine: { name: string; doses: number; minIntervalDays?: number; maxIntervalDays?: number };
  eligibility?: { minAge?: number; maxAge?: number; districts?: string[]; priorityGroups?: string[] };
  /** Bookings need a phone number or e-mail address verified by code. */
  requireVerifiedContact?: boolean;
}

export interface SeriesInput {
  centerId: number;
  campaignId: number;
  dose?: number;
  from: string;
  to: string;
  weekdays?: number[];
  opens: string;
  closes: string;
  intervalMinutes: number;
  durationMinutes?: number;
  capacity: number;
  skipDates?: string[];
  /** Leave out the nationwide public holidays (default true). */
  skipHolidays?: boolean;
}

const MAX_SLOTS_PER_REQUEST = 20_000;

/** What staff set up. Every change also tells the nodes' availability views to reload. */
/** The Land of a centre (null: not given, or no such centre; inserting the slots then says which). */
const landOf = async (q: Queryable, centerId: number): Promise<Land | null> =>
  (await run<{ state: Land | null }>(q, sql.landOfCenter(centerId))).rows[0]?.state ?? null;

export const catalogService = {
  async createCenter(q: pg.ClientBase, center: sql.NewCenter) {
    if (center.timeZone !== undefined && !isTimeZone(center.timeZone)) {
      fail('VALIDATION_FAILED', `"${center.timeZone}" is not a time zone; give an IANA name such as Europe/Berlin.`);
    }
    const created = (await run(q, sql.insertCenter(center))).rows[0]!;
    await run(q, sql.addDistrictPostalCodes(center.district, [center.postalCode]));
    await run(q, sql.notifyCatalogChanged());
    return created;
  },

  listCenters: async (q: Queryable) => (await run(q, sql.listCenters())).rows,

  listReleases: async (q: Queryable, campaignId: number) => (await run(q, sql.listReleases(campaignId))).rows,

  async addDistrict(q: pg.ClientBase, name: string, postalCodes: string[]) {
    return (await run(q, sql.addDistrictPostalCodes(name, postalCodes))).rows[0]!;
  },

  async createCampaign(q: pg.ClientBase, input: CampaignInput) {
    const { vaccine, eligibility = {} } = input;
    if (vaccine.doses === 2 && (vaccine.minIntervalDays === undefined || vaccine.maxIntervalDays === undefined)) {
      fail('VALIDATION_FAILED', 'A two-dose vaccine needs minIntervalDays and maxIntervalDays.');
    }
    if (vaccine.doses === 1 && (vaccine.minIntervalDays !== undefined || vaccine.maxIntervalDays !== undefined)) {
      fail('VALIDATION_FAILED', 'A one-dose vaccine has no interval between doses.');
    }
    if (vaccine.doses === 2 && vaccine.minIntervalDays! > vaccine.maxIntervalDays!) {
      fail('VALIDATION_FAILED', 'minIntervalDays must not be larger than maxIntervalDays.');
    }
    if (eligibility.minAge !== undefined && eligibility.maxAge !== undefined && eligibility.minAge > eligibility.maxAge) {
      fail('VALIDATION_FAILED', 'minAge must not be larger than maxAge.');
    }
    const vaccineId = (await run<{ id: number }>(q, sql.upsertVaccine(vaccine))).rows[0]!.id;
    const id = (
      await run<{ id: number }>(q, sql.insertCampaign({ name: input.name, vaccineId, ...eligibility, requireVerifiedContact: input.requireVerifiedContact }))
    ).rows[0]!.id;
    await run(q, sql.notifyCatalogChanged());
    return (await run<sql.CampaignRow>(q, sql.listCampaigns(id))).rows[0]!;
  },

  listCampaigns: async (q: Queryable) => (await run<sql.CampaignRow>(q, sql.listCampaigns())).rows,

  async createSlots(q: pg.ClientBase, slots: sql.NewSlot[]) {
    if (slots.length > MAX_SLOTS_PER_REQUEST) fail('VALIDATION_FAILED', `At most ${MAX_SLOTS_PER_REQUEST} slots per request.`);
    for (const campaignId of new Set(slots.map((s) => s.campaignId))) {
      const doses = await campaignDoses(q, campaignId);
      if (slots.some((s) => s.campaignId === campaignId && s.dose > doses)) {
        fail('VALIDATION_FAILED', `Campaign ${campaignId} has ${doses} dose(s); a slot for dose ${doses + 1} does not fit it.`);
      }
    }
    const created = await insertChecked(q, sql.insertSlots(slots));
    await run(q, sql.notifyCatalogChanged());
    return created;
  },

  async createSlotSeries(q: pg.ClientBase, input: SeriesInput) {
    const { skipHolidays = true, ...rest } = input;
    const series: sql.SlotSeries = {
      dose: 1,
      weekdays: [1, 2, 3, 4, 5, 6],
      durationMinutes: input.intervalMinutes,
      ...rest,
      skipDates: [...(rest.skipDates ?? []), ...(skipHolidays ? holidaysBetween(input.from, input.to, await landOf(q, input.centerId)) : [])],
    };
    const days = (Date.parse(series.to) - Date.parse(series.from)) / 86_400_000 + 1;
    const minutesOpen = toMinutes(series.closes) - toMinutes(series.opens);
    if (days < 1) fail('VALIDATION_FAILED', '"to" must not be before "from".');
    if (minutesOpen < series.durationMinutes) fail('VALIDATION_FAILED', 'The opening hours are shorter than one slot.');
    if (days * Math.ceil(minutesOpen / series.intervalMinutes) > MAX_SLOTS_PER_REQUEST) {
      fail('VALIDATION_FAILED', `A series may create at most ${MAX_SLOTS_PER_REQUEST} slots; choose a shorter range.`);
    }
    const doses = await campaignDoses(q, series.campaignId);
    if (series.dose > doses) fail('VALIDATION_FAILED', `Campaign ${series.campaignId} has ${doses} dose(s).`);
    const created = await insertChecked(q, sql.insertSlotSeries(series));
    await run(q, sql.notifyCatalogChanged());
    return created;
  },

  /** The slots a filter picks, up to its limit, and whether more were left out. */
  async listSlots(q: Queryable, filter: sql.SlotFilter) {
    const rows = (await run<sql.SlotOut>(q, sql.listSlots(filter))).rows;
    return { slots: rows.slice(0, filter.limit), more: rows.length > filter.limit };
  },

  async createRelease(q: pg.ClientBase, r: ReleaseSpec) {
    const { campaignId, slotIds, opensAt, waitingRoom = false, prequeueMinutes = 30 } = r;
    await campaignDoses(q, campaignId);
    const release = (await run<{ id: number }>(q, sql.insertRelease(campaignId, opensAt, waitingRoom))).rows[0]!;
    const unique = [...new Set(slotIds)];
    const assigned = await run(q, sql.assignSlotsToRelease(release.id, campaignId, unique));
    if (assigned.rowCount !== unique.length) await explainUnassigned(q, campaignId, unique);
    if (r.waitlistShare) await run(q, sql.keepForWaitlist(release.id, r.waitlistShare, r.waitlistMinutes ?? 60));
    if (r.phoneShare && r.phoneUntil) await run(q, sql.keepForPhone(release.id, r.phoneShare, r.phoneUntil));
    if (waitingRoom) {
      // The seed that will order the pre-queue is fixed now; only its hash is public until opening.
      const seed = randomBytes(32);
      await run(q, createRoom(release.id, prequeueMinutes, seed, seedHashOf(seed)));
    }
    await run(q, sql.notifyCatalogChanged());
    return { ...release, slotIds: unique };
  },
};

/** A release as staff plan it. */
export interface ReleaseSpec {
  campaignId: number;
  slotIds: number[];
  opensAt: string;
  waitingRoom?: boolean;
  /** How long before opensAt the pre-queue opens (default 30). */
  prequeueMinutes?: number;
  /** Share of each first-dose slot kept for the wait list, for `waitlistMinutes` after opening (default 60). */
  waitlistShare?: number;
  waitlistMinutes?: number;
  /** Share of each first-dose slot kept for the hotline's callers until `phoneUntil`. */
  phoneShare?: number;
  phoneUntil?: string;
}

async function campaignDoses(q: Queryable, campaignId: number): Promise<number> {
  const row = (await run<sql.CampaignDoses>(q, sql.campaignDoses(campaignId))).rows[0];
  return row?.doses ?? fail('CAMPAIGN_NOT_FOUND', `Campaign ${campaignId} does not exist.`);
}

/** Inserts slots; a missing centre surfaces as the foreign key we expect to trip. */
async function insertChecked(q: Queryable, statement: { text: string; values: unknown[] }): Promise<sql.SlotOut[]> {
  try {
    return (await run<sql.SlotOut>(q, statement)).rows;
  } catch (err) {
    if (pgCode(err) === PG.foreignKeyViolation && pgConstraint(err) === 'slots_center_id_fkey') {
      return fail('CENTER_NOT_FOUND');
    }
    throw err;
  }
}

async function explainUnassigned(q: Queryable, campaignId: number, slotIds: number[]): Promise<never> {
  const rows = (await run<{ id: number; campaign_id: number; release_id: number | null }>(q, sql.slotOwnership(slotIds))).rows;
  const known = new Set(rows.map((r) => r.id));
  const missing = slotIds.filter((id) => !known.has(id));
  if (missing.length > 0) return fail('SLOT_NOT_FOUND', `Unknown slots: ${missing.slice(0, 20).join(', ')}.`);
  const foreign = rows.filter((r) => r.campaign_id !== campaignId).map((r) => r.id);
  if (foreign.length > 0) return fail('CAMPAIGN_MISMATCH', `Slots of another campaign: ${foreign.slice(0, 20).join(', ')}.`);
  const released = rows.filter((r) => r.release_id !== null).map((r) => r.id);
  return fail('SLOT_ALREADY_RELEASED', `Slots already in a release: ${released.slice(0, 20).join(', ')}.`);
}

const toMinutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};
