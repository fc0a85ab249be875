import type { Sql } from '../db/pool.js';
import type { IdempotencyKey, Outcome } from './transaction.js';

/** The idempotency keys of POSTs and the answers stored with them (http/transaction.ts). */

/** The answers already stored for these keys: a retry's first answer (committed, so final). */
export const storedAnswers = (keys: IdempotencyKey[]): Sql => ({
  text: `SELECT i.scope, i.key, i.request_hash, i.response_status, i.response_body
         FROM idempotency_keys i JOIN unnest($1::text[], $2::text[]) AS k(scope, key) ON i.scope = k.scope AND i.key = k.key`,
  values: [keys.map((k) => k.scope), keys.map((k) => k.key)],
});

/**
 * The keys and their answers, written with the COMMIT of the change they guard. A concurrent request with the same key
 * that committed first makes this fail on the primary key, and the transaction is tried again (db/pool.ts `tx`).
 */
export const storeAnswers = (keys: IdempotencyKey[], outcomes: Outcome<unknown>[]): Sql => ({
  text: `INSERT INTO idempotency_keys (scope, key, request_hash, response_status, response_body)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::jsonb[])`,
  values: [
    keys.map((k) => k.scope),
    keys.map((k) => k.key),
    keys.map((k) => k.hash),
    outcomes.map((o) => o.status),
    outcomes.map((o) => JSON.stringify(o.body)),
  ],
});

/** Retries come within minutes; a day keeps replays safe across a long outage. */
export const pruneIdempotencyKeys = (): Sql => ({
  text: `DELETE FROM idempotency_keys WHERE created_at < clock_now() - interval '24 hours'`,
  values: [],
});
