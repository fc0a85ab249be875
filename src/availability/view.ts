import pg from 'pg';
import type { Logger } from 'pino';
import { run, type Queryable } from '../db/pool.js';
import { primaryConnection } from '../db/hosts.js';
import * as catalogSql from '../catalog/repo.js';
import * as sql from './repo.js';
import { distanceKm, type Point } from './geo.js';
import { SharedLoad } from '../db/shared-load.js';

export interface SlotEntry {
  id: number;
  startsAt: string;
  day: string;
  durationMinutes: number;
  capacity: number;
  /** Free first-dose units that also find a second dose (for two-dose vaccines). */
  free: number;
  releaseId: number;
  opensAt: number;
}

interface CenterSlots {
  center: sql.CenterRow;
  slots: SlotEntry[];
}

interface Snapshot {
  loadedAt: number;
  /** Database clock minus local clock, so release instants are judged by the database. */
  clockOffsetMs: number;
  campaigns: catalogSql.CampaignRow[];
  centers: Map<number, sql.CenterRow>;
  byCampaign: Map<number, CenterSlots[]>;
  freeByRelease: Map<number, number>;
}

export interface SearchQuery {
  campaignId: number;
  origin: Point;
  radiusKm: number;
  from?: string;
  to?: string;
  /** Only this centre. */
  centerId?: number;
  /** Only this release's slots (what an admission to its waiting room may hold). */
  releaseId?: number;
  /** Counts per day without the slots (for third parties that poll every centre). */
  compact?: boolean;
}

/** A centre's opened future first-dose slots in one campaign (what the open-data feed publishes). */
export interface PublishedSchedule {
  campaign: catalogSql.CampaignRow;
  center: sql.CenterRow;
  slots: SlotEntry[];
}

export interface CenterAvailability extends Omit<catalogSql.NewCenter, 'timeZone' | 'state'> {
  timeZone: string;
  id: number;
  distanceKm: number;
  freeFirstDoses: number;
  days: { date: string; freeFirstDoses: number; slots?: { id: number; startsAt: string; durationMinutes: number; free: number }[] }[];
}

/**
 * Each node's in-memory copy of what can be booked. It is reloaded from the database
 * every `refreshMs` and at once when staff change the catalog (LISTEN ansturm_catalog),
 * so searches cost no query. It may lag the ledger by one refresh; a hold is always
 * decided by the ledger itself.
 */
export class AvailabilityView {
  private snapshot: Snapshot = { loadedAt: 0, clockOffsetMs: 0, campaigns: [], centers: new Map(), byCampaign: new Map(), freeByRelease: new Map() };
  private timer: NodeJS.Timeout | undefined;
  private listener: pg.Client | undefined;
  private readonly loads = new SharedLoad(
    () => this.load(),
    (err) => this.log.warn({ err }, 'availability reload failed; serving the previous snapshot'),
  );
  private stopped = false;
  /** The last full read: every released future slot with all its fields, in order (the counts are patched into it). */
  private full: FullRead | undefined;
  /** Set by reload() (a catalog change, a caller that needs one seen): the next load reads everything. */
  private fullWanted = true;

  constructor(
    private readonly db: Queryable,
    private readonly databaseUrl: string,
    private readonly refreshMs: number,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.reload();
    await this.listen();
    this.timer = setInterval(() => void this.loads.run(), this.refreshMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.listener?.end().catch(() => undefined);
    await this.loads.stop();
  }

  /**
   * Reloads everything now, and resolves once a load that began after this call has finished: a change made
   * before the call is in the view then. Calls during a load share the one load that follows it. The refresh
   * every `refreshMs` reads only the free units, which is all that moves between two catalog changes.
   */
  reload(): Promise<void> {
    this.fullWanted = true;
    return this.loads.fresh();
  }

  /** The instant as the database sees it (judged by the offset measured at the last reload). */
  now(): number {
    return Date.now() + this.snapshot.clockOffsetMs;
  }

  get loadedAt(): number {
    return this.snapshot.loadedAt;
  }

  /** When the snapshot was read, by the database's clock. */
  get asOf(): number {
    return this.snapshot.loadedAt + this.snapshot.clockOffsetMs;
  }

  center(centerId: number): sql.CenterRow | undefined {
    return this.snapshot.centers.get(centerId);
  }

  /** The centres where a campaign has released slots (free or not), by name: where a person may wish to go. */
  centersOf(campaignId: number): { id: number; name: string; address: string; postalCode: string }[] {
    return (this.snapshot.byCampaign.get(campaignId) ?? [])
      .map(({ center: c }) => ({ id: c.id, name: c.name, address: c.address, postalCode: c.postal_code }))
      .sort((a, b) => a.name.localeCompare(b.name, 'de'));
  }

  /** Free first-dose units of a release (each with a second dose, where one is needed). */
  releaseFree(releaseId: number): number {
    return this.snapshot.freeByRelease.get(releaseId) ?? 0;
  }

  private centersCache = new WeakMap<Snapshot, Map<number, { id: number; name: string; postalCode: string; freeFirstDoses: number }[]>>();

  /** Centres of the campaign with bookable capacity now, most free first (once per snapshot: every sold-out poll asks). */
  centersWithCapacity(campaignId: number): { id: number; name: string; postalCode: string; freeFirstDoses: number }[] {
    let perCampaign = this.centersCache.get(this.snapshot);
    if (!perCampaign) this.centersCache.set(this.snapshot, (perCampaign = new Map()));
    let list = perCampaign.get(campaignId);
    if (!list) perCampaign.set(campaignId, (list = this.computeCentersWithCapacity(campaignId)));
    return list;
  }

  private computeCentersWithCapacity(campaignId: number) {
    const now = this.now();
    return (this.snapshot.byCampaign.get(campaignId) ?? [])
      .map(({ center, slots }) => ({
        id: center.id,
        name: center.name,
        postalCode: center.postal_code,
        freeFirstDoses: slots.reduce((n, s) => (s.opensAt <= now && Date.parse(s.startsAt) > now ? n + s.free : n), 0),
      }))
      .filter((c) => c.freeFirstDoses > 0)
      .sort((a, b) => b.freeFirstDoses - a.freeFirstDoses);
  }

  /** The campaign's next release that has not opened yet. */
  nextRelease(campaignId: number): { id: number; opensAt: string } | undefined {
    const now = this.now();
    const campaign = this.snapshot.campaigns.find((c) => c.id === campaignId);
    const next = campaign?.releases.filter((r) => Date.parse(r.opensAt) > now).sort((a, b) => Date.parse(a.opensAt) - Date.parse(b.opensAt))[0];
    return next && { id: next.id, opensAt: new Date(next.opensAt).toISOString() };
  }

  campaigns(): catalogSql.CampaignRow[] {
    return this.snapshot.campaigns;
  }

  hasCampaign(campaignId: number): boolean {
    return this.snapshot.campaigns.some((c) => c.id === campaignId);
  }

  /** Centres of the campaign within the radius, nearest first, with their free first-dose slots. */
  search(query: SearchQuery): CenterAvailability[] {
    const now = this.now();
    const result: CenterAvailability[] = [];
    for (const { center, slots } of this.snapshot.byCampaign.get(query.campaignId) ?? []) {
      if (query.centerId !== undefined && center.id !== query.centerId) continue;
      const distance = distanceKm(query.origin, center);
      if (distance > query.radiusKm) continue;
      const days = new Map<string, CenterAvailability['days'][number]>();
      let total = 0;
      for (const slot of slots) {
        if (slot.opensAt > now || Date.parse(slot.startsAt) <= now) continue;
        if (query.releaseId !== undefined && slot.releaseId !== query.releaseId) continue;
        if ((query.from && slot.day < query.from) || (query.to && slot.day > query.to)) continue;
        let day = days.get(slot.day);
        if (slot.free === 0) continue;
        if (!day) days.set(slot.day, (day = query.compact ? { date: slot.day, freeFirstDoses: 0 } : { date: slot.day, freeFirstDoses: 0, slots: [] }));
        day.freeFirstDoses += slot.free;
        total += slot.free;
        day.slots?.push({ id: slot.id, startsAt: slot.startsAt, durationMinutes: slot.durationMinutes, free: slot.free });
      }
      // Only what can be chosen: full days and full centres are left out.
      if (total === 0) continue;
      result.push({
        id: center.id,
        name: center.name,
        address: center.address,
        postalCode: center.postal_code,
        district: center.district,
        lat: center.lat,
        lon: center.lon,
        timeZone: center.time_zone,
        distanceKm: Math.round(distance * 10) / 10,
        freeFirstDoses: total,
        days: [...days.values()],
      });
    }
    return result.sort((a, b) => a.distanceKm - b.distanceKm || a.id - b.id);
  }

  /**
   * Every campaign's opened, future first-dose slots per centre, busy ones included: what may be
   * published. Nothing of a release that has not opened yet.
   */
  published(): PublishedSchedule[] {
    const now = this.now();
    const result: PublishedSchedule[] = [];
    for (const campaign of this.snapshot.campaigns) {
      for (const { center, slots } of this.snapshot.byCampaign.get(campaign.id) ?? []) {
        const open = slots.filter((s) => s.opensAt <= now && Date.parse(s.startsAt) > now);
        if (open.length > 0) result.push({ campaign, center, slots: open });
      }
    }
    return result;
  }

  /**
   * A full read when asked (reload()), at the start, every FULL_READ_MS as a safety net, and whenever the counts
   * name a slot the last full read did not have; otherwise the free units only, patched into the last full read.
   * Each worker reads the catalog every second: reading every field of every slot cost about 6 µs of node and
   * 4 µs of PostgreSQL CPU per slot each time.
   */
  private async load(): Promise<void> {
    const started = Date.now();
    const wantFull = this.fullWanted || !this.full || started - this.full.at > FULL_READ_MS;
    this.fullWanted = false;
    // The campaigns are few, and say which releases are open by the database's clock: read each time.
    const [now, campaigns, counts] = await Promise.all([
      run<{ now: Date }>(this.db, sql.databaseNow()),
      run<catalogSql.CampaignRow>(this.db, catalogSql.listCampaigns()),
      wantFull ? undefined : run<{ id: number; free: number }>(this.db, sql.releasedSlotCounts()),
    ]);
    let full = counts && this.full ? patched(this.full, counts.rows) : undefined;
    if (!full) {
      const [centers, slots] = await Promise.all([run<sql.CenterRow>(this.db, sql.centers()), run<sql.SlotRow>(this.db, sql.releasedSlots())]);
      full = { at: started, centers: centers.rows, slots: slots.rows };
    }
    this.full = full;
    const dbNow = now.rows[0]!.now.getTime();
    const byCampaign = index(campaigns.rows, full.centers, full.slots, dbNow);
    const freeByRelease = new Map<number, number>();
    for (const list of byCampaign.values()) {
      for (const { slots } of list) for (const s of slots) freeByRelease.set(s.releaseId, (freeByRelease.get(s.releaseId) ?? 0) + s.free);
    }
    this.snapshot = {
      loadedAt: Date.now(),
      clockOffsetMs: dbNow - (started + Date.now()) / 2,
      campaigns: campaigns.rows,
      centers: new Map(full.centers.map((c) => [c.id, c])),
      byCampaign,
      freeByRelease,
    };
  }

  /** Listens again in a second, and keeps trying while the database is away (a failover takes a few tries). */
  private relisten(): void {
    setTimeout(() => {
      if (this.stopped) return;
      this.listen().catch(() => this.relisten());
    }, 1000).unref();
  }

  private async listen(): Promise<void> {
    const client = primaryConnection(this.databaseUrl, { application_name: 'ansturm-listen' });
    client.on('notification', () => void this.reload());
    client.on('error', (err) => {
      this.log.warn({ err }, 'catalog listener lost; reconnecting');
      this.listener = undefined;
      this.relisten();
    });
    await client.connect();
    await client.query('LISTEN ansturm_catalog');
    this.listener = client;
  }
}

type FullRead = { at: number; centers: sql.CenterRow[]; slots: sql.SlotRow[] };

/** The last full read with these free units patched in; undefined when they name a slot it did not have. */
function patched(full: FullRead, counts: { id: number; free: number }[]): FullRead | undefined {
  const free = new Map(counts.map((r) => [r.id, r.free]));
  const slots: sql.SlotRow[] = [];
  for (const s of full.slots) {
    const now = free.get(s.id);
    if (now !== undefined) slots.push(now === s.free ? s : { ...s, free: now });
  }
  return slots.length < free.size ? undefined : { ...full, slots };
}

/** The refresh reads every field of every slot again at least this often, whatever it was told. */
const FULL_READ_MS = 30_000;

/** Groups slots by campaign and centre; for two doses, caps each first-dose slot by the second doses free for it. */
function index(campaigns: catalogSql.CampaignRow[], centers: sql.CenterRow[], rows: sql.SlotRow[], dbNow: number): Map<number, CenterSlots[]> {
  const centerById = new Map(centers.map((c) => [c.id, c]));
  const grouped = new Map<string, { first: sql.SlotRow[]; second: sql.SlotRow[] }>();
  for (const row of rows) {
    const key = `${row.campaign_id}:${row.center_id}`;
    let g = grouped.get(key);
    if (!g) grouped.set(key, (g = { first: [], second: [] }));
    (row.dose === 1 ? g.first : g.second).push(row);
  }
  const byCampaign = new Map<number, CenterSlots[]>();
  for (const campaign of campaigns) {
    const list: CenterSlots[] = [];
    for (const center of centers) {
      const g = grouped.get(`${campaign.id}:${center.id}`);
      if (!g || g.first.length === 0) continue;
      const secondFree = campaign.vaccine.doses === 2 ? secondDoseCounter(g.second, campaign, dbNow) : undefined;
      list.push({
        center: centerById.get(center.id)!,
        slots: g.first.map((s) => ({
          id: s.id,
          startsAt: s.starts_at.toISOString(),
          day: s.day,
          durationMinutes: s.duration_minutes,
          capacity: s.capacity,
          free: secondFree ? Math.min(s.free, secondFree(s.day)) : s.free,
          releaseId: s.release_id,
          opensAt: s.opens_at.getTime(),
        })),
      });
    }
    byCampaign.set(campaign.id, list);
  }
  return byCampaign;
}

const dayNumber = (day: string) => Date.parse(day) / 86_400_000;

/** Free second-dose units at one centre within min..max days of a given day, by prefix sums. */
function secondDoseCounter(second: sql.SlotRow[], campaign: catalogSql.CampaignRow, dbNow: number) {
  const open = second.filter((s) => s.opens_at.getTime() <= dbNow); // sorted by starts_at already
  const days = open.map((s) => dayNumber(s.day));
  const prefix = [0];
  for (const s of open) prefix.push(prefix[prefix.length - 1]! + s.free);
  const lowerBound = (x: number) => {
    let lo = 0;
    let hi = days.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (days[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const { minIntervalDays, maxIntervalDays } = campaign.vaccine;
  return (day: string): number => {
    const d = dayNumber(day);
    return prefix[lowerBound(d + maxIntervalDays! + 1)]! - prefix[lowerBound(d + minIntervalDays!)]!;
  };
}
