import { freeFor } from '../capacity/sql.js';
import type { Sql } from '../db/pool.js';
import { localDay } from '../time/zone.js';

export interface CenterRow {
  id: number;
  name: string;
  address: string;
  postal_code: string;
  district: string;
  lat: number;
  lon: number;
  time_zone: string;
  /** The Land (two letters), null when not given. */
  state: string | null;
}

export const centers = (): Sql => ({
  text: 'SELECT id, name, address, postal_code, district, lat, lon, time_zone, state FROM centers',
  values: [],
});

export interface SlotRow {
  id: number;
  center_id: number;
  campaign_id: number;
  dose: number;
  starts_at: Date;
  day: string;
  duration_minutes: number;
  capacity: number;
  free: number;
  release_id: number;
  opens_at: Date;
}

/** Every future slot that belongs to a release, open or announced, with its local calendar day at its centre. */
export const releasedSlots = (): Sql => ({
  text: `SELECT s.id, s.center_id, s.campaign_id, s.dose, s.starts_at, ${localDay('s.starts_at', 'c.time_zone')} AS day,
                s.duration_minutes, s.capacity, r.id AS release_id, r.opens_at,
                -- What the public can take: units kept for the wait list or the phone are not theirs (yet).
                ${freeFor('public')} AS free
         FROM slots s JOIN releases r ON r.id = s.release_id JOIN centers c ON c.id = s.center_id
         WHERE s.starts_at > clock_now()
         ORDER BY s.starts_at, s.id`,
  values: [],
});

/**
 * What moves between two catalog changes: each released future slot's free units for the public, read at
 * `read_at` (the database's own clock, not the test clock). Two parallel arrays in one row, no join with the
 * centres, no order. The leader reads this for every node (publisher.ts); a node reads it itself only while
 * no page of the leader's is fresher than its own last read.
 */
export const releasedSlotCounts = (): Sql => ({
  text: `SELECT now() AS read_at, coalesce(array_agg(s.id), '{}') AS slot_ids, coalesce(array_agg(${freeFor('public')}), '{}') AS free
         FROM slots s JOIN releases r ON r.id = s.release_id WHERE s.starts_at > clock_now()`,
  values: [],
});

export interface CountsRow {
  read_at: Date;
  slot_ids: number[];
  free: number[];
}

export interface PageRow extends CountsRow {
  seq: string;
  /** The page this one follows (its changes are since that one's read); null: a full page. */
  follows: string | null;
}

/**
 * Writes a page. One that follows another is written only if that one is still the last page: a leader that lost
 * its lead for a while and got it back finds another leader's pages after its own, and writes nothing (no row).
 */
export const insertPage = (follows: string | null, counts: CountsRow): Sql => ({
  text: `INSERT INTO availability_pages (follows, read_at, slot_ids, free)
         SELECT $1, $2, $3, $4 WHERE $1::bigint IS NULL OR $1::bigint = (SELECT max(seq) FROM availability_pages)
         RETURNING seq`,
  values: [follows, counts.read_at, counts.slot_ids, counts.free],
});

const PAGE_COLUMNS = 'seq, follows, read_at, slot_ids, free';

/** The pages after `seq`, in order (a node on the chain: usually one, often empty). */
export const pagesAfter = (seq: string): Sql => ({
  text: `SELECT ${PAGE_COLUMNS} FROM availability_pages WHERE seq > $1 ORDER BY seq`,
  values: [seq],
});

/** The last full page and every page after it: what a node joining the chain applies. */
export const chainFromLastFullPage = (): Sql => ({
  text: `SELECT ${PAGE_COLUMNS} FROM availability_pages
         WHERE seq >= (SELECT max(seq) FROM availability_pages WHERE follows IS NULL) ORDER BY seq`,
  values: [],
});

/** When the leader last read the free units (no row: it never has). */
export const lastPageRead = (): Sql => ({
  text: `SELECT read_at FROM availability_pages ORDER BY seq DESC LIMIT 1`,
  values: [],
});

/** Drops pages older than the last full page and older than `keepSeconds` (nodes further behind join again). */
export const prunePages = (keepSeconds: number): Sql => ({
  text: `DELETE FROM availability_pages WHERE read_at < now() - make_interval(secs => $1)
           AND seq < (SELECT max(seq) FROM availability_pages WHERE follows IS NULL)`,
  values: [keepSeconds],
});

export const databaseNow = (): Sql => ({ text: 'SELECT clock_now() AS now', values: [] });
