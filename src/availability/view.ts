import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { run, type Queryable } from '../db/pool.js';
import { primaryConnection } from '../db/hosts.js';
import * as catalogSql from '../catalog/repo.js';
import * as sql from './repo.js';
import { distanceKm, type Point } from './geo.js';
import { SharedLoad } from '../db/shared-load.js';
import { systemClock, type Clock } from '../time/clock.js';

export interface SlotEntry {
  id: number;
  startsAt: string;
  /** `startsAt` as ms since the epoch, for the searches' comparisons. */
  startsAtMs: number;
  day: string;
  durationMinutes: number;
  capacity: number;
  /** Free first-dose units that also find a second dose (for two-dose vaccines). */
  free: number;
  releaseId: number;
  opensAt: number;
}

/** Where a node's view learns the free units between two full reads (see the constructor). */
export type CountsSource = 'pages' | 'slots';

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
  /**
   * Where the free units come from between two full reads. `own`: this node reads them itself, as of `readAt`
   * (the database's clock; null right after a full read, whose instant is not known exactly). `chain`: it applies
   * the leader's pages (publisher.ts), the last one `seq`, and reads no slot itself.
   */
  private counts: { from: 'own'; readAt: number | null } | { from: 'chain'; seq: string; pageSeenAt: number } = { from: 'own', readAt: null };
  /** The last index of the slots, and what it was built from. */
  private indexed: Indexed | undefined;

  /**
   * `source`: 'pages', the leader's pages once it has read after this node (the design); 'slots', this node's own
   * reads of every slot, always (the design before, for the bench that compares the two).
   */
  constructor(
    private readonly db: Queryable,
    private readonly databaseUrl: string,
    private readonly refreshMs: number,
    private readonly log: Logger,
    private readonly source: CountsSource = 'pages',
    private readonly clock: Clock = systemClock,
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

  /** One periodic refresh, as the timer runs it; resolves once a refresh that began after the call has finished. */
  tick(): Promise<void> {
    return this.loads.fresh();
  }

  /** Where the free units come from now: this node's own reads, or the leader's pages. */
  get countsFrom(): 'own' | 'chain' {
    return this.counts.from;
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
        freeFirstDoses: slots.reduce((n, s) => (s.opensAt <= now && s.startsAtMs > now ? n + s.free : n), 0),
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
    return this.reached(query)
      .flatMap(({ entry, distance }) => {
        const { free, days } = daysOf(entry.slots, query, now);
        // Only what can be chosen: full days and full centres are left out.
        return free === 0 ? [] : [{ ...centerFields(entry.center), distanceKm: distance, freeFirstDoses: free, days }];
      })
      .sort((a, b) => a.distanceKm - b.distanceKm || a.id - b.id);
  }

  private fragments = new WeakMap<Snapshot, Map<string, Fragment>>();

  /**
   * The search's answer as JSON, the same text as `JSON.stringify(search(query))`, and a digest of what it says. Each
   * centre's part (its days and slots) is written once per snapshot for each filter asked, then reused by every search
   * that reaches that centre. So a search costs about the centres it reaches, not their slots: in a westfalen-lippe
   * rush the citizens search from their own places, and each answer (1,900 slots) cost 2 ms of a node's CPU to build.
   */
  searchJson(query: SearchQuery): { json: string; digest: string } {
    let fragments = this.fragments.get(this.snapshot);
    if (!fragments) this.fragments.set(this.snapshot, (fragments = new Map()));
    const now = this.now();
    const filter = `${query.campaignId}|${query.releaseId ?? ''}|${query.from ?? ''}|${query.to ?? ''}|${query.compact ? 'c' : ''}`;
    const found: { id: number; distance: number; fragment: Fragment }[] = [];
    for (const { entry, distance } of this.reached(query)) {
      const key = `${entry.center.id}|${filter}`;
      let fragment = fragments.get(key);
      if (!fragment) {
        // Bounded: the filters' dates are the askers' to choose.
        if (fragments.size >= MAX_FRAGMENTS) fragments.clear();
        fragments.set(key, (fragment = fragmentOf(entry, query, now)));
      }
      if (fragment.free > 0) found.push({ id: entry.center.id, distance, fragment });
    }
    found.sort((a, b) => a.distance - b.distance || a.id - b.id);
    return {
      json: `[${found.map((f) => `${f.fragment.head},"distanceKm":${JSON.stringify(f.distance)},${f.fragment.tail}`).join(',')}]`,
      digest: found.map((f) => `${f.id}:${f.distance}:${f.fragment.digest}`).join(' '),
    };
  }

  /** The campaign's centres within the query's radius (or its one centre), each with its distance. */
  private reached(query: SearchQuery): { entry: CenterSlots; distance: number }[] {
    const reached: { entry: CenterSlots; distance: number }[] = [];
    for (const entry of this.snapshot.byCampaign.get(query.campaignId) ?? []) {
      if (query.centerId !== undefined && entry.center.id !== query.centerId) continue;
      const distance = distanceKm(query.origin, entry.center);
      if (distance <= query.radiusKm) reached.push({ entry, distance: Math.round(distance * 10) / 10 });
    }
    return reached;
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
        const open = slots.filter((s) => s.opensAt <= now && s.startsAtMs > now);
        if (open.length > 0) result.push({ campaign, center, slots: open });
      }
    }
    return result;
  }

  /**
   * A full read when asked (reload()), at the start, every FULL_READ_MS as a safety net (FULL_READ_CHAINED_MS
   * while on the leader's chain), and whenever the counts name a slot the last full read did not have; otherwise
   * only the free units, patched into the last full read. Each worker refreshes every second. Reading every field
   * of every slot each time cost about 6 µs of node and 4 µs of PostgreSQL CPU per slot; reading every slot's free
   * units about 2 + 1.3 µs. So a node reads the free units itself only until the leader has published a page read
   * after its own read; then it joins the leader's chain of pages and reads only the new pages (a few rows holding
   * the slots that changed), whatever the number of slots and nodes.
   */
  private async load(): Promise<void> {
    const started = Date.now();
    const fullEvery = this.counts.from === 'chain' ? FULL_READ_CHAINED_MS : FULL_READ_MS;
    const wantFull = this.fullWanted || !this.full || started - this.full.at > fullEvery;
    this.fullWanted = false;
    // The campaigns are few, and say which releases are open by the database's clock: read each time.
    const [now, campaigns, full] = await Promise.all([
      run<{ now: Date }>(this.db, sql.databaseNow()),
      run<catalogSql.CampaignRow>(this.db, catalogSql.listCampaigns()),
      wantFull ? this.readEverything(started) : this.freshCounts(this.full!),
    ]);
    this.full = full ?? (await this.readEverything(started));
    const dbNow = now.rows[0]!.now.getTime();
    const { byCampaign, freeByRelease } = this.indexOf(this.full, campaigns.rows, dbNow);
    this.snapshot = {
      loadedAt: Date.now(),
      clockOffsetMs: dbNow - (started + Date.now()) / 2,
      campaigns: campaigns.rows,
      centers: new Map(this.full.centers.map((c) => [c.id, c])),
      byCampaign,
      freeByRelease,
    };
  }

  /**
   * The slots by campaign and centre, built again only when something in it can have changed: other slots or free
   * units (a new full read or page), other campaigns, or a slot that began or a release that opened since it was
   * built. A refresh that learnt nothing new (most of them, between two rushes) costs no pass over the slots.
   */
  private indexOf(full: FullRead, campaigns: catalogSql.CampaignRow[], dbNow: number): Indexed {
    const campaignsJson = JSON.stringify(campaigns);
    const last = this.indexed;
    if (last && last.full === full && last.campaignsJson === campaignsJson && dbNow < last.until) return last;
    // The leader's pages do not say when a slot has begun; it is left out here.
    const future = full.slots.filter((s) => s.starts_at.getTime() > dbNow);
    const byCampaign = index(campaigns, full.centers, future, dbNow);
    const freeByRelease = new Map<number, number>();
    for (const list of byCampaign.values()) {
      for (const { slots } of list) for (const s of slots) freeByRelease.set(s.releaseId, (freeByRelease.get(s.releaseId) ?? 0) + s.free);
    }
    let until = Infinity;
    for (const s of future) {
      until = Math.min(until, s.starts_at.getTime());
      if (s.opens_at.getTime() > dbNow) until = Math.min(until, s.opens_at.getTime());
    }
    this.indexed = { full, campaignsJson, until, byCampaign, freeByRelease };
    return this.indexed;
  }

  /** Every field of every released future slot; the free units are this node's own until it joins the chain again. */
  private async readEverything(at: number): Promise<FullRead> {
    const [centers, slots] = await Promise.all([run<sql.CenterRow>(this.db, sql.centers()), run<sql.SlotRow>(this.db, sql.releasedSlots())]);
    this.counts = { from: 'own', readAt: null };
    return { at, centers: centers.rows, slots: slots.rows };
  }

  /** The last full read with the free units of now; undefined when they name a slot it did not have. */
  private async freshCounts(full: FullRead): Promise<FullRead | undefined> {
    if (this.counts.from === 'chain') {
      const pages = (await run<sql.PageRow>(this.db, sql.pagesAfter(this.counts.seq))).rows;
      if (pages.length > 0 || this.clock.now() - this.counts.pageSeenAt < CHAIN_SILENT_MS) return this.applyPages(full, pages);
      // The leader writes a page twice a second, changes or not: it has stopped publishing. Read them here again.
      this.counts = { from: 'own', readAt: null };
    }
    const latest = this.source === 'pages' ? (await run<{ read_at: Date }>(this.db, sql.lastPageRead())).rows[0] : undefined;
    if (latest && this.counts.readAt !== null && latest.read_at.getTime() > this.counts.readAt) return this.joinChain(full);
    const counts = (await run<sql.CountsRow>(this.db, sql.releasedSlotCounts())).rows[0]!;
    this.counts = { from: 'own', readAt: counts.read_at.getTime() };
    return patched(full, counts.slot_ids, counts.free);
  }

  /** The last full page and the pages after it: the leader's read, fresher than this node's own. */
  private async joinChain(full: FullRead): Promise<FullRead | undefined> {
    const pages = (await run<sql.PageRow>(this.db, sql.chainFromLastFullPage())).rows;
    if (pages.length === 0) {
      this.counts = { from: 'own', readAt: null };
      return full;
    }
    return this.applyPages(full, pages);
  }

  /**
   * The pages applied in order; undefined (read everything) when one names a slot the full read did not have, or
   * does not follow the page before it (pages pruned under a node far behind; a second leader for a moment).
   */
  private applyPages(full: FullRead, pages: sql.PageRow[]): FullRead | undefined {
    let applied: FullRead | undefined = full;
    for (const page of pages) {
      if (page.follows !== null && (this.counts.from !== 'chain' || page.follows !== this.counts.seq)) return undefined;
      applied = patched(applied, page.slot_ids, page.free);
      if (!applied) return undefined;
      this.counts = { from: 'chain', seq: page.seq, pageSeenAt: this.clock.now() };
    }
    return applied;
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

interface Indexed {
  full: FullRead;
  campaignsJson: string;
  /** The next instant a slot begins or a release opens, by the database's clock: the index is stale from then on. */
  until: number;
  byCampaign: Map<number, CenterSlots[]>;
  freeByRelease: Map<number, number>;
}

/**
 * The last full read with these free units patched in; undefined when they name a slot it did not have. A slot
 * they leave out (one that has begun) stays: the index leaves out what has begun (AvailabilityView.indexOf).
 */
function patched(full: FullRead, ids: number[], free: number[]): FullRead | undefined {
  if (ids.length === 0) return full;
  const now = new Map(ids.map((id, i) => [id, free[i]!]));
  let known = 0;
  let changed = false;
  const slots = full.slots.map((s) => {
    const n = now.get(s.id);
    if (n === undefined) return s;
    known++;
    if (n === s.free) return s;
    changed = true;
    return { ...s, free: n };
  });
  if (known < now.size) return undefined;
  // Nothing moved: the same read, so the index built from it stands (AvailabilityView.indexOf).
  return changed ? { ...full, slots } : full;
}

/** The refresh reads every field of every slot again at least this often, whatever it was told. */
const FULL_READ_MS = 30_000;
/** On the leader's chain the free units come from its one reader; the full read is only a safety net. */
const FULL_READ_CHAINED_MS = 300_000;
/** No new page for this long: the leader is not publishing, and the node reads the free units itself again. */
const CHAIN_SILENT_MS = 5_000;

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
          startsAtMs: s.starts_at.getTime(),
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

/** A centre's part of a search answer for one filter: its fields before the distance, and after it. */
interface Fragment {
  free: number;
  head: string;
  tail: string;
  digest: string;
}

/** Centre parts kept per snapshot (each node's view). */
const MAX_FRAGMENTS = 20_000;

const centerFields = (center: sql.CenterRow) => ({
  id: center.id,
  name: center.name,
  address: center.address,
  postalCode: center.postal_code,
  district: center.district,
  lat: center.lat,
  lon: center.lon,
  timeZone: center.time_zone,
});

/** A centre's free first-dose units and days with slots that match the query, open and not yet begun at `now`. */
function daysOf(slots: SlotEntry[], query: SearchQuery, now: number): { free: number; days: CenterAvailability['days'] } {
  const days = new Map<string, CenterAvailability['days'][number]>();
  let free = 0;
  for (const slot of slots) {
    if (slot.free === 0 || slot.opensAt > now || slot.startsAtMs <= now) continue;
    if (query.releaseId !== undefined && slot.releaseId !== query.releaseId) continue;
    if ((query.from && slot.day < query.from) || (query.to && slot.day > query.to)) continue;
    let day = days.get(slot.day);
    if (!day) days.set(slot.day, (day = query.compact ? { date: slot.day, freeFirstDoses: 0 } : { date: slot.day, freeFirstDoses: 0, slots: [] }));
    day.freeFirstDoses += slot.free;
    free += slot.free;
    day.slots?.push({ id: slot.id, startsAt: slot.startsAt, durationMinutes: slot.durationMinutes, free: slot.free });
  }
  return { free, days: [...days.values()] };
}

function fragmentOf(entry: CenterSlots, query: SearchQuery, now: number): Fragment {
  const { free, days } = daysOf(entry.slots, query, now);
  // JSON.stringify's own text, cut where the distance goes: `{"id":…,"timeZone":"…"` and `"freeFirstDoses":…,"days":[…]}`.
  const head = JSON.stringify(centerFields(entry.center)).slice(0, -1);
  const tail = JSON.stringify({ freeFirstDoses: free, days }).slice(1);
  return { free, head, tail, digest: createHash('sha1').update(tail).digest('base64url') };
}
