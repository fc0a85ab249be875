/**
 * Full bookings (hold + confirm over HTTP, both doses) on Ansturm with one worker per core,
 * vs the same database writes issued as plain SQL transactions from a bare pg client at
 * the same concurrency: the database's own ceiling for one booking per transaction.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { client } from '../simulator/http.js';
import { ADMIN, api, benchCampaign, benchDatabase, during, fullBooking, startAnsturm } from './support.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

/**
 * At `concurrency` clients each way. Ansturm writes holds and confirmations in group commits, so more
 * clients make bigger batches; the plain-SQL pair cannot batch and is bound by the hot second-dose row.
 * `keyed`: every POST carries an Idempotency-Key, as the web app's do (each key is claimed and its answer kept).
 */
export async function benchBooking(concurrency = 32, keyed = false) {
  const db = await benchDatabase();
  const app = await startAnsturm(db.url, undefined, { ANSTURM_DB_POOL_SIZE: '20' });
  try {
    const base = app.url;
    const campaign = await benchCampaign(base);
    const center = await api(
      base,
      'POST',
      '/api/v1/admin/centers',
      { name: 'Z', address: 'S 1', postalCode: '58332', district: 'EN', lat: 51.28, lon: 7.29 },
      ADMIN,
    );
    const at = (days: number, minutes: number) => new Date(Date.now() + days * 86_400_000 + minutes * 60_000).toISOString();
    const slots = await api(
      base,
      'POST',
      '/api/v1/admin/slots',
      {
        slots: [
          ...Array.from({ length: 40 }, (_, i) => ({
            centerId: center.id,
            campaignId: campaign.id,
            startsAt: at(2, i * 15),
            durationMinutes: 15,
            capacity: 100_000,
            dose: 1,
          })),
          ...Array.from({ length: 10 }, (_, i) => ({
            centerId: center.id,
            campaignId: campaign.id,
            startsAt: at(30, i * 15),
            durationMinutes: 15,
            capacity: 100_000,
            dose: 2,
          })),
        ],
      },
      ADMIN,
    );
    const ids: number[] = slots.slots.map((s: { id: number }) => s.id);
    await api(
      base,
      'POST',
      '/api/v1/admin/releases',
      { campaignId: campaign.id, slotIds: ids, opensAt: new Date(Date.now() - 1000).toISOString(), acknowledge: 'all' },
      ADMIN,
    );
    const first = ids.slice(0, 40);

    // Keep-alive node:http, as a browser would reuse its connection (fetch costs the load generator far more).
    const http = client(base, concurrency);
    const runId = randomUUID().slice(0, 8);
    const ours = await during(SECONDS, concurrency, (i) => fullBooking(http, first[i % first.length]!, `Http${i}`, keyed ? `${runId}-${i}` : undefined));
    http.close();

    const pool = new pg.Pool({ connectionString: db.url, max: concurrency });
    const second = ids[40]!;
    const plain = await during(SECONDS, concurrency, async (i) => {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query('UPDATE slots SET taken = taken + 1 WHERE id = $1 AND taken < capacity', [first[i % first.length]]);
        await c.query('UPDATE slots SET taken = taken + 1 WHERE id = $1 AND taken < capacity', [second]);
        const h = await c.query(
          `INSERT INTO holds (campaign_id, slot_id, second_slot_id, expires_at, status) VALUES ($1, $2, $3, now() + interval '10 minutes', 'confirmed') RETURNING id`,
          [campaign.id, first[i % first.length], second],
        );
        await c.query(
          `INSERT INTO bookings (code, campaign_id, slot_id, second_slot_id, hold_id, identity_hash, first_name, last_name, date_of_birth, postal_code)
           VALUES ($1, $2, $3, $4, $5, $6, 'Sql', 'Bench', '1970-01-01', '58332')`,
          [
            randomUUID()
              .replace(/[^0-9A-F]/gi, '')
              .toUpperCase()
              .replace(/[01IO]/g, 'Z')
              .slice(0, 8),
            campaign.id,
            first[i % first.length],
            second,
            h.rows[0].id,
            Buffer.from(randomUUID()),
          ],
        );
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK');
        throw err;
      } finally {
        c.release();
      }
    });
    await pool.end();
    return {
      name: `full booking (hold + confirm), ${concurrency} clients${keyed ? ', with Idempotency-Keys as the web app sends them' : ''}`,
      ours: { requestsPerSecond: ours.perSecond, p50: NaN, p99: NaN, failures: ours.failed, errors: ours.failed },
      baseline: { requestsPerSecond: plain.perSecond, p50: NaN, p99: NaN, failures: plain.failed, errors: plain.failed },
      ratio: ours.perSecond / plain.perSecond,
      extra: { concurrency: concurrency, bookingsOverHttp: ours.done, bookingsPlainSql: plain.done },
    };
  } finally {
    await app.stop();
    await db.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(JSON.stringify(await benchBooking(Number(process.argv[2] ?? 32), process.argv.includes('keyed')), null, 2));
