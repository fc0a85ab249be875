import pg from 'pg';
import { percentile } from './recorder.js';

/**
 * Read from the database after the run: what must be zero (overbooked slots, bookings missing their
 * second dose, lost messages), the ledger's own consistency, the fairness of admission, and how long
 * codes took to leave.
 */
export async function checkIntegrity(databaseUrl: string, campaignId: number, doses: number, joinTimes: Map<string, number>) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const one = async (text: string, values: unknown[] = []) => (await db.query(text, values)).rows[0];
    const overbooked = await one(
      `SELECT count(*)::int AS n FROM slots s WHERE s.campaign_id = $1 AND (s.taken > s.capacity
         OR (SELECT count(*) FROM bookings b WHERE b.status = 'active' AND s.id IN (b.slot_id, b.second_slot_id)) > s.capacity)`,
      [campaignId],
    );
    const ledger = await one(
      `SELECT count(*)::int AS n FROM slots s WHERE s.campaign_id = $1 AND s.taken <>
         (SELECT count(*) FROM bookings b WHERE b.status = 'active' AND s.id IN (b.slot_id, b.second_slot_id))
         + (SELECT count(*) FROM holds h WHERE h.status = 'held' AND s.id IN (h.slot_id, h.second_slot_id))`,
      [campaignId],
    );
    const withoutSecond =
      doses === 2
        ? await one(`SELECT count(*)::int AS n FROM bookings WHERE campaign_id = $1 AND status = 'active' AND second_slot_id IS NULL`, [campaignId])
        : { n: 0 };
    const lost = await one(
      `SELECT count(*)::int AS n FROM bookings b WHERE b.campaign_id = $1 AND (b.phone IS NOT NULL OR b.email IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.booking_id = b.id AND m.kind = 'confirmation')`,
      [campaignId],
    );
    const failed = await one(`SELECT count(*)::int AS n FROM messages WHERE state = 'failed'`);
    const pending = await one(`SELECT count(*)::int AS n FROM messages WHERE state IN ('queued', 'sending') AND not_before <= now()`);
    const bookings = await one(`SELECT count(*)::int AS n FROM bookings WHERE campaign_id = $1 AND status = 'active'`, [campaignId]);
    // Fairness: people who joined after the opening, in the order their join answers arrived, against
    // the order they were let in (the database's admitted_at).
    const live = (
      await db.query(
        `SELECT t.id, t.admitted_at FROM queue_tickets t JOIN releases r ON r.id = t.release_id
       WHERE r.campaign_id = $1 AND t.phase = 'live' AND t.admitted_at IS NOT NULL`,
        [campaignId],
      )
    ).rows.filter((r: { id: string }) => joinTimes.has(r.id)) as { id: string; admitted_at: Date }[];
    const codeDelays = (
      await db.query(`SELECT extract(epoch FROM sent_at - created_at) * 1000 AS ms FROM messages WHERE kind = 'code' AND sent_at IS NOT NULL ORDER BY 1`)
    ).rows.map((r) => Number(r.ms));
    return {
      overbookedSlots: overbooked.n as number,
      bookingsWithoutSecondDose: withoutSecond.n as number,
      messagesLost: lost.n as number,
      messagesFailed: failed.n as number,
      messagesStillQueued: pending.n as number,
      ledgerMismatches: ledger.n as number,
      activeBookings: bookings.n as number,
      fairness: {
        admittedAfterOpening: live.length,
        rankCorrelation: spearman(
          live.map((r) => joinTimes.get(r.id)!),
          live.map((r) => r.admitted_at.getTime()),
        ),
      },
      codeDeliveryMs: {
        count: codeDelays.length,
        p50: Math.round(percentile(codeDelays, 0.5)),
        p95: Math.round(percentile(codeDelays, 0.95)),
        max: Math.round(codeDelays.at(-1) ?? 0),
      },
    };
  } finally {
    await db.end();
  }
}

export type Integrity = Awaited<ReturnType<typeof checkIntegrity>>;

/** Spearman's rank correlation (ties get their mean rank); null for fewer than two pairs. */
export function spearman(a: number[], b: number[]): number | null {
  if (a.length < 2) return null;
  const ranks = (xs: number[]) => {
    const order = xs.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(xs.length);
    for (let i = 0; i < order.length;) {
      let j = i;
      while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
      for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return r;
  };
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (a.length + 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (ra[i]! - mean) * (rb[i]! - mean);
    da += (ra[i]! - mean) ** 2;
    db += (rb[i]! - mean) ** 2;
  }
  return da === 0 || db === 0 ? 1 : Math.round((num / Math.sqrt(da * db)) * 10_000) / 10_000;
}
