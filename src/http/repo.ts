import type { Sql } from '../db/pool.js';
import type { IdempotencyKey, Outcome } from './transaction.js';

/** The idempotency keys of POSTs and the answers stored with them (http/transaction.ts). */

export const claimKeys = (keys: IdempotencyKey[]): Sql => ({
  text: `INSERT INTO idempotency_keys (scope, key, request_hash) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
         ON CONFLICT DO NOTHING RETURNING scope, key`,
  values: [keys.map((k) => k.scope), keys.map((k) => k.key), keys.map((k) => k.hash)],
});

export const storedAnswers = (keys: IdempotencyKey[]): Sql => ({
  text: `SELECT i.scope, i.key, i.request_hash, i.response_status, i.response_body
         FROM idempotency_keys i JOIN unnest($1::text[], $2::text[]) AS k(scope, key) ON i.scope = k.scope AND i.key = k.key`,
  values: [keys.map((k) => k.scope), keys.map((k) => k.key)],
});

export const storeAnswers = (keys: IdempotencyKey[], outcomes: Outcome<unknown>[]): Sql => ({
  text: `UPDATE idempotency_keys i SET response_status = a.status, response_body = a.body
         FROM unnest($1::text[], $2::text[], $3::int[], $4::jsonb[]) AS a(scope, key, status, body)
         WHERE i.scope = a.scope AND i.key = a.key`,
  values: [keys.map((k) => k.scope), keys.map((k) => k.key), outcomes.map((o) => o.status), outcomes.map((o) => JSON.stringify(o.body))],
});

export const dropClaims = (keys: IdempotencyKey[]): Sql => ({
  text: `DELETE FROM idempotency_keys i USING unnest($1::text[], $2::text[]) AS k(scope, key) WHERE i.scope = k.scope AND i.key = k.key`,
  values: [keys.map((k) => k.scope), keys.map((k) => k.key)],
});

/** Retries come within minutes; a day keeps replays safe across a long outage. */
export const pruneIdempotencyKeys = (): Sql => ({
  text: `DELETE FROM idempotency_keys WHERE created_at < clock_now() - interval '24 hours'`,
  values: [],
});
