import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { atCommit, run, tx, type Db } from '../db/pool.js';
import { storeAnswers, storedAnswers } from './repo.js';
import { AppError, fail } from '../errors.js';
import { actionOf, audit } from '../staff/audit.js';
import { actorOf } from '../staff/auth.js';

export interface Outcome<T> {
  body: T;
  status: number;
  replayed: boolean;
}

/** A POST's Idempotency-Key, with the route it was used on and a hash of the body it came with. */
export interface IdempotencyKey {
  scope: string;
  key: string;
  hash: string;
}

/** A use case's input with the Idempotency-Key of the request that brought it. */
export interface Keyed<I> {
  key: IdempotencyKey | undefined;
  input: I;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** The request's Idempotency-Key, if it sent one (VALIDATION_FAILED for a malformed one). */
export function idempotencyKeyOf(request: FastifyRequest): IdempotencyKey | undefined {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    return fail('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 200 visible ASCII characters.');
  }
  const scope = `${request.method} ${request.url.split('?')[0]}`;
  const hash = createHash('sha256')
    .update(JSON.stringify(request.body ?? null))
    .digest('base64url');
  return { scope, key, hash };
}

/**
 * Wraps a use case that answers many inputs at once (see db/group-commit.ts) with idempotency:
 * each key and its answer are written in the same transaction as the effect, with its COMMIT (db/pool.ts
 * `atCommit`), so both exist or neither. A retry after the first commit finds the stored answer and changes
 * nothing. A retry racing the first does its work, but its key's INSERT waits on the primary key for the first
 * to commit and then fails; the transaction is tried again and finds the answer (db/pool.ts `tx`). A refused
 * request stores nothing, so its retry runs afresh. One read before and one INSERT at COMMIT for the whole batch.
 */
export function idempotent<I, O>(status: number, write: (q: pg.ClientBase, inputs: I[]) => Promise<(O | AppError)[]>) {
  return async (q: pg.ClientBase, items: Keyed<I>[]): Promise<(Outcome<O> | AppError)[]> => {
    const keyed = items.flatMap((item, i) => (item.key ? [{ i, key: item.key }] : []));
    const prior =
      keyed.length === 0
        ? []
        : await storedOutcomes<O>(
            q,
            keyed.map((k) => k.key),
          );
    const results: (Outcome<O> | AppError | null)[] = items.map(() => null);
    keyed.forEach((k, j) => (results[k.i] = prior[j]!));
    const todo = items.flatMap((_, i) => (results[i] === null ? [i] : []));
    const answers =
      todo.length === 0
        ? []
        : await write(
            q,
            todo.map((i) => items[i]!.input),
          );
    todo.forEach((i, j) => {
      const answer = answers[j]!;
      results[i] = answer instanceof AppError ? answer : { body: answer, status, replayed: false };
    });
    const stored = keyed.filter((k, j) => prior[j] === null && !(results[k.i] instanceof AppError));
    if (stored.length > 0)
      await atCommit(
        q,
        storeAnswers(
          stored.map((k) => k.key),
          stored.map((k) => results[k.i] as Outcome<O>),
        ),
      );
    return results as (Outcome<O> | AppError)[];
  };
}

/** For each key: null when no answer is stored for it, else the stored answer (or a refusal for another body). */
async function storedOutcomes<O>(q: pg.ClientBase, keys: IdempotencyKey[]): Promise<(Outcome<O> | AppError | null)[]> {
  const rows = (await run<{ scope: string; key: string; request_hash: string; response_status: number; response_body: O }>(q, storedAnswers(keys))).rows;
  const stored = new Map(rows.map((r) => [`${r.scope}\n${r.key}`, r]));
  return keys.map((k) => {
    const row = stored.get(`${k.scope}\n${k.key}`);
    if (!row) return null;
    if (row.request_hash !== k.hash) return new AppError('IDEMPOTENCY_KEY_REUSED');
    return { body: row.response_body, status: row.response_status, replayed: true };
  });
}

/**
 * Runs a POST's use case in one transaction of its own, with its Idempotency-Key (see
 * `idempotent`). A staff member's request also writes its audit entry in that transaction:
 * the entry exists if and only if the change does.
 */
export async function inTransaction<T>(db: Db, request: FastifyRequest, status: number, use: (q: pg.PoolClient) => Promise<T>): Promise<Outcome<T>> {
  const key = idempotencyKeyOf(request);
  const [out] = await tx(db, (q) =>
    idempotent<undefined, T>(status, async () => {
      const body = await use(q);
      if (request.staff) await audit(q, actorOf(request), actionOf(request), { target: request.params ?? null, after: body });
      return [body];
    })(q, [{ key, input: undefined }]),
  );
  if (out instanceof AppError) throw out;
  return out!;
}

/** Sends a use case's outcome; `Idempotent-Replayed: true` marks a stored answer. */
export const sendOutcome = (reply: FastifyReply, out: Outcome<unknown>) =>
  reply.status(out.status).header('idempotent-replayed', String(out.replayed)).send(out.body);
