import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { parse as parseCookies } from 'cookie';
import { run, type Db } from '../db/pool.js';
import { fail } from '../errors.js';
import * as sql from './repo.js';
import type { Role } from './repo.js';

/** Who is acting: a person in the console, an automation token, or the bootstrap ADMIN_TOKEN. */
export interface Staff {
  kind: 'session' | 'token' | 'bootstrap';
  /** How the audit log names them. */
  actor: string;
  accountId: number | null;
  role: Role;
  /** Centres this staff member may work with; null: all. */
  centerIds: number[] | null;
  csrfToken: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    staff?: Staff;
  }
}

export const SESSION_COOKIE = 'ansturm_staff';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const tokenHash = (token: string): Buffer => createHash('sha256').update(token).digest();

/**
 * Decides who a request comes from and whether they may use a route:
 *   - `Authorization: Bearer <ADMIN_TOKEN>`: the bootstrap automation token, role admin;
 *   - `Authorization: Bearer ans_...`: an API token an admin created, with its role and centres;
 *   - the session cookie of the staff console, plus the `X-CSRF-Token` header on every change.
 * A bearer header is never sent by a browser on its own, so only cookie sessions need the CSRF check.
 */
export function staffAuth(db: Db, bootstrapToken: string) {
  const bootstrap = tokenHash(bootstrapToken);

  async function identify(request: FastifyRequest): Promise<Staff | null> {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer (.+)$/.exec(header);
      if (!match) return fail('UNAUTHORIZED', 'Send a token as "Authorization: Bearer <token>".');
      const hash = tokenHash(match[1]!);
      if (timingSafeEqual(hash, bootstrap))
        return { kind: 'bootstrap', actor: 'bootstrap-token', accountId: null, role: 'admin', centerIds: null, csrfToken: null };
      const token = (await run<{ id: number; name: string; role: Role; center_ids: number[] | null }>(db, sql.useToken(hash))).rows[0];
      if (!token) return fail('UNAUTHORIZED', 'The token is not valid (or was revoked).');
      return { kind: 'token', actor: `token:${token.name}`, accountId: null, role: token.role, centerIds: token.center_ids, csrfToken: null };
    }
    const cookie = sessionCookie(request);
    if (!cookie) return null;
    const session = (await run<sql.SessionRow>(db, sql.sessionByHash(tokenHash(cookie)))).rows[0];
    if (!session) return null;
    return {
      kind: 'session',
      actor: `staff:${session.username}`,
      accountId: session.id,
      role: session.role,
      centerIds: session.center_ids,
      csrfToken: session.csrf_token,
    };
  }

  return {
    identify,
    /** A preHandler admitting the given roles (admins may do everything). */
    require(...roles: Role[]) {
      return async (request: FastifyRequest): Promise<void> => {
        const staff = await identify(request);
        if (!staff) return fail('UNAUTHORIZED', 'Log in to the staff console, or send a token as "Authorization: Bearer <token>".');
        if (staff.kind === 'session' && UNSAFE.has(request.method)) {
          const sent = request.headers['x-csrf-token'];
          if (typeof sent !== 'string' || !equal(sent, staff.csrfToken!)) fail('CSRF_FAILED');
        }
        if (staff.role !== 'admin' && !roles.includes(staff.role)) fail('FORBIDDEN', `This needs the role ${roles.join(' or ')}.`);
        request.staff = staff;
      };
    },
  };
}

export type StaffAuth = ReturnType<typeof staffAuth>;

/**
 * The staff console's session cookie, read from the request's Cookie header where a staff route asks for it. No
 * cookie plugin parses every request: citizens' requests carry no cookie of ours, and the rush's hottest answers
 * would pay its two hooks each.
 */
export function sessionCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  return header ? parseCookies(header)[SESSION_COOKIE] : undefined;
}

/** Compares bytes, not characters: a token of the right length in other characters has other bytes. */
const equal = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Whether a staff member may work with a centre. */
/**
 * Who acts, as services see it: the audit name, the role, the centres, the client address. Routes
 * make it from the request (actorOf); services never see the request itself.
 */
export interface Actor {
  actor: string;
  role: Role;
  centerIds: number[] | null;
  address: string;
}

/** The actor of an authenticated staff route. */
export function actorOf(request: FastifyRequest): Actor {
  const staff = request.staff ?? fail('UNAUTHORIZED');
  return { actor: staff.actor, role: staff.role, centerIds: staff.centerIds, address: request.ip };
}

export const mayUseCenter = (staff: Pick<Actor, 'centerIds'>, centerId: number): boolean => staff.centerIds === null || staff.centerIds.includes(centerId);

/** Throws FORBIDDEN unless the staff member may work with the centre. */
export function requireCenter(staff: Pick<Actor, 'centerIds'>, centerId: number): void {
  if (!mayUseCenter(staff, centerId)) fail('FORBIDDEN', 'Your account is not set up for this centre.');
}

/**
 * The one check of a staff account's centres against the centres a request names: every
 * `centerId` in its path, query string or body (and in the items of a body's lists, as slot
 * series carry them), after validation. Registered for every route in server.ts; routes that
 * reach a centre through a booking or a slot check the centre they find (`mayUseCenter`). A callback hook: every
 * request runs it, and most have no staff account to check.
 */
export function requireNamedCenters(request: FastifyRequest, _reply: unknown, done: (err?: Error) => void): void {
  const staff = request.staff;
  try {
    if (staff && staff.centerIds !== null)
      for (const part of [request.params, request.query, request.body]) {
        for (const centerId of namedCenters(part)) requireCenter(staff, centerId);
      }
  } catch (err) {
    return done(err as Error);
  }
  done();
}

function namedCenters(part: unknown, depth = 0): number[] {
  if (typeof part !== 'object' || part === null || depth > 2) return [];
  if (Array.isArray(part)) return part.flatMap((item) => namedCenters(item, depth + 1));
  return Object.entries(part).flatMap(([key, value]) =>
    key === 'centerId' && typeof value === 'number' ? [value] : typeof value === 'object' ? namedCenters(value, depth + 1) : [],
  );
}
