import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { solve } from '../../src/queue/pow.js';
import { admin } from './node.js';

export async function setRoom(app: FastifyInstance, releaseId: number, settings: Record<string, number>) {
  const res = await app.inject({ method: 'PATCH', url: `/api/v1/admin/queue/rooms/${releaseId}`, headers: admin, payload: settings });
  assert.equal(res.statusCode, 200, res.body);
}

/** Fetches a challenge, solves it and joins; returns the join answer. */
export async function join(app: FastifyInstance, releaseId: number) {
  const c = await app.inject({ url: `/api/v1/queue/rooms/${releaseId}/challenge` });
  assert.equal(c.statusCode, 200, c.body);
  const { challenge, difficulty } = c.json();
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/queue/rooms/${releaseId}/tickets`,
    payload: { challenge, nonce: solve(challenge, difficulty) },
  });
  return { status: res.statusCode, body: res.json() };
}

export async function status(app: FastifyInstance, ticket: string) {
  const res = await app.inject({ url: `/api/v1/queue/tickets/${encodeURIComponent(ticket)}` });
  return { status: res.statusCode, body: res.json() };
}

/** Polls until the predicate holds (or fails after `ms`). */
export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) assert.fail(`condition not reached within ${ms} ms: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the room has passed its release instant and been drawn (its seed is public). */
export const opened = (app: FastifyInstance, releaseId: number) =>
  until(
    async () => (await app.inject({ url: `/api/v1/queue/rooms/${releaseId}` })).json(),
    (room) => room.seed !== null && room.seed !== undefined,
  );
