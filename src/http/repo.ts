import type { Sql } from '../db/pool.js';
import type { IdempotencyKey, Outcome } from './transaction.js';

/** The idempotency keys of POSTs and the answers stored with them (http/transaction.ts). */

/**
 * The answers already stored for these keys: a retry's first answer (committed, so final). Found by the primary key
 * with both columns' lists (a batch's keys share their route, so the scopes are one or a few): a plan that joins
 * the keys as a set of rows was made once per connection with a guess of their number, and on a table of a few
 * thousand keys that guess chose to read the whole table for every batch. Pairs of a scope and another request's key
 * may come back too; the caller matches each key to its own row.
 */
export const storedAnswers = (keys: IdempotencyKey[]): Sql => ({
  text: `SELECT scope, key, request_hash, response_status, response_body FROM idempotency_keys WHERE scope = ANY($1::text[]) AND key = ANY($2::text[])`,
  values: [[...new Set(keys.map((k) => k.scope))], keys.map((k) => k.key)],
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
