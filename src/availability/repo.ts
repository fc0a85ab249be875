import { freeFor } from '../capacity/sql.js';
import type { Sql } from '../db/pool.js';

export interface CenterRow {
  id: number;
  name: string;
  address: string;
  postal_code: string;
  district: string;
  lat: number;
  lon: number;
}

export const centers = (): Sql => ({
  text: 'SELECT id, name, address, postal_code, district, lat, lon FROM centers',
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
  free: number;
  release_id: number;
  opens_at: Date;
}

/** Every future slot that belongs to a release, open or announced, with its Berlin calendar day. */
export const releasedSlots = (): Sql => ({
  text: `SELECT s.id, s.center_id, s.campaign_id, s.dose, s.starts_at, (s.starts_at AT TIME ZONE 'Europe/Berlin')::date AS day,
                s.duration_minutes, r.id AS release_id, r.opens_at,
                -- What the public can take: units kept for the wait list or the phone are not theirs (yet).
                ${freeFor('public')} AS free
         FROM slots s JOIN releases r ON r.id = s.release_id
         WHERE s.starts_at > now()
         ORDER BY s.starts_at, s.id`,
  values: [],
});

export const databaseNow = (): Sql => ({ text: 'SELECT now() AS now', values: [] });
