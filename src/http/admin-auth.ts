import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { fail } from './errors.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * A preHandler that admits requests bearing `Authorization: Bearer <token>`.
 * Comparing digests keeps the comparison constant-time whatever the lengths.
 */
export function requireAdminToken(token: string) {
  const expected = digest(token);
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer (.+)$/.exec(header);
    if (!match) fail('UNAUTHORIZED', 'Send the admin token as "Authorization: Bearer <token>".');
    if (!timingSafeEqual(digest(match![1]!), expected)) fail('UNAUTHORIZED', 'The admin token is not valid.');
  };
}
