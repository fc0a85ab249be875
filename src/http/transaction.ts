import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { tx, type Db } from '../db/pool.js';
import { fail } from './errors.js';
import { actionOf, audit } from '../staff/audit.js';

export interface Outcome<T> {
  body: T;
  status: number;
  replayed: boolean;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * Runs a POST's use case in one transaction. With an `Idempotency-Key` header, the key
 * and the answer are written in that same transaction: a retry after the first commit
 * gets the stored answer and changes nothing; a retry racing the first waits for it on
 * the key's unique index. A request that failed wrote nothing, so its retry runs afresh.
 * A staff member's request also writes its audit entry in that transaction.
 */
export async function inTransaction<T>(
  db: Db,
  request: FastifyRequest,
  status: number,
  use: (q: pg.PoolClient) => Promise<T>,
): Promise<Outcome<T>> {
  // A staff member's change is audited in its own transaction: the entry exists if and only if the change does.
  const fn = async (q: pg.PoolClient) => {
    const body = await use(q);
    if (request.staff) await audit(q, request, actionOf(request), { target: request.params ?? null, after: body });
    return body;
  };
  const key = request.headers['idempotency-key'];
  if (key === undefined) return { body: await tx(db, fn), status, replayed: false };
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    return fail('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 200 visible ASCII characters.');
  }
  const scope = `${request.method} ${request.url.split('?')[0]}`;
  const hash = createHash('sha256').update(JSON.stringify(request.body ?? null)).digest('base64url');

  return tx(db, async (q) => {
    const claimed = await q.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [scope, key, hash],
    );
    if (claimed.rowCount === 0) {
      const prior = await q.query<{ request_hash: string; response_status: number; response_body: T }>(
        'SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2',
        [scope, key],
      );
      const row = prior.rows[0]!;
      if (row.request_hash !== hash) return fail('IDEMPOTENCY_KEY_REUSED');
      return { body: row.response_body, status: row.response_status, replayed: true };
    }
    const body = await fn(q);
    await q.query(
      'UPDATE idempotency_keys SET response_status = $3, response_body = $4 WHERE scope = $1 AND key = $2',
      [scope, key, status, JSON.stringify(body)],
    );
    return { body, status, replayed: false };
  });
}

/** Sends a use case's outcome; `Idempotent-Replayed: true` marks a stored answer. */
export const sendOutcome = (reply: FastifyReply, out: Outcome<unknown>) =>
  reply.status(out.status).header('idempotent-replayed', String(out.replayed)).send(out.body);
