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
 * What moves between two catalog changes: each released future slot's free units for the public (the view's
 * once-a-second refresh; the rest of a slot is read again when the catalog changes). Two integers a row, no
 * join with the centres, no order.
 */
export const releasedSlotCounts = (): Sql => ({
  text: `SELECT s.id, ${freeFor('public')} AS free FROM slots s JOIN releases r ON r.id = s.release_id WHERE s.starts_at > clock_now()`,
  values: [],
});

export const databaseNow = (): Sql => ({ text: 'SELECT clock_now() AS now', values: [] });
