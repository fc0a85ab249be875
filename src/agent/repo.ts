import { freeFor, KEPT_FOR_PHONE } from '../capacity/sql.js';
import type { Sql } from '../db/pool.js';
import { localDay } from '../time/zone.js';

export interface AgentSlotRow {
  id: number;
  center_id: number;
  starts_at: Date;
  day: string;
  duration_minutes: number;
  free: number;
  kept_for_phone: number;
}

/**
 * Released future first-dose slots of a campaign with what an agent can still take: everything but the
 * wait list's kept units, the phone's own share included. Read from the ledger, not the public view:
 * agents are few, and must see the phone share the public never sees.
 */
export const slotsForAgents = (campaignId: number, from: string | null, to: string | null, centerIds: number[] | null): Sql => ({
  text: `SELECT s.id, s.center_id, s.starts_at, ${localDay('s.starts_at', 'c.time_zone')} AS day, s.duration_minutes,
                ${freeFor('phone')} AS free, least(${KEPT_FOR_PHONE}, s.capacity - s.taken) AS kept_for_phone
         FROM slots s JOIN releases r ON r.id = s.release_id JOIN centers c ON c.id = s.center_id
         WHERE s.campaign_id = $1 AND s.dose = 1 AND s.starts_at > clock_now() AND r.opens_at <= clock_now() AND s.taken < s.capacity
           AND ($2::date IS NULL OR ${localDay('s.starts_at', 'c.time_zone')} >= $2)
           AND ($3::date IS NULL OR ${localDay('s.starts_at', 'c.time_zone')} <= $3)
           AND ($4::bigint[] IS NULL OR s.center_id = ANY($4))
         ORDER BY s.starts_at, s.id LIMIT 20000`,
  values: [campaignId, from, to, centerIds],
});

export const centers = (): Sql => ({ text: 'SELECT id, name, address, postal_code, lat, lon FROM centers ORDER BY id', values: [] });
