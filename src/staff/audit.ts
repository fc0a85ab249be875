import type { FastifyRequest } from 'fastify';
import { run, type Queryable } from '../db/pool.js';
import { insertAudit } from './repo.js';
import type { Actor } from './auth.js';

/** Fields never written to the audit log. */
const SECRET_FIELDS = /password|secret|token/i;
/**
 * A citizen's own fields stay out too: the log is kept for years to say which staff member did what,
 * and a booking's code and id say for whom (the retention task cannot reach into audit entries).
 */
const PERSONAL_FIELDS = /^(firstName|lastName|dateOfBirth|email|phone|contact|recipient|letter)$/;

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 50 ? { items: value.length } : value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.test(k) ? '[redacted]' : PERSONAL_FIELDS.test(k) ? '[personal data]' : redact(v)]),
  );
}

/**
 * Records a staff action in the transaction that makes it, so the entry exists if and only if
 * the change does. `before` is what the action changed, as it was; `after` as it became.
 */
export async function audit(q: Queryable, by: Actor, action: string, change: { target?: unknown; before?: unknown; after?: unknown }): Promise<void> {
  await run(
    q,
    insertAudit({
      actor: by.actor,
      action,
      target: redact(change.target ?? null),
      before: redact(change.before ?? null),
      after: redact(change.after ?? null),
      address: by.address,
    }),
  );
}

/** The action name of a route: "POST /api/v1/admin/centers". */
export const actionOf = (request: FastifyRequest) => `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
