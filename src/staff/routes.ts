import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Id, Strict, errors, Text } from '../http/schemas.js';
import type { Db } from '../db/pool.js';
import { serialize as cookie } from 'cookie';
import { actorOf, SESSION_COOKIE, sessionCookie, type StaffAuth } from './auth.js';
import type { StaffService } from './service.js';

const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('agent'), Type.Literal('checkin')]);
const CenterIds = Type.Union([Type.Array(Id, { minItems: 1, maxItems: 500 }), Type.Null()], { description: 'Centres this account may work with; null: all' });
const Password = Text({ minLength: 1, maxLength: 200 });
const security = [{ bearer: [] }];
const tags = ['staff'];

/** Logging in and out of the staff console. */
export const staffSessionRoutes =
  (staff: StaffService, auth: StaffAuth, secureCookies: boolean, loginsPerMinute: number): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/api/v1/staff/login',
      {
        config: loginsPerMinute > 0 ? { rateLimit: { max: loginsPerMinute, timeWindow: 60_000 } } : {},
        schema: {
          tags,
          summary: 'Log in: sets the session cookie and returns the CSRF token to send with every change',
          body: Strict({ username: Text({ minLength: 1, maxLength: 100 }), password: Password }),
          response: errors(400, 401, 429),
        },
      },
      async (request, reply) => {
        const { token, csrfToken, expiresAt, account } = await staff.login(request.ip, request.body.username, request.body.password);
        reply.header('set-cookie', cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: secureCookies, path: '/', expires: expiresAt }));
        return { account, csrfToken, expiresAt: expiresAt.toISOString() };
      },
    );

    app.post(
      '/api/v1/staff/logout',
      { preValidation: auth.require('admin', 'agent', 'checkin'), schema: { tags, summary: 'Log out: ends the session' } },
      async (request, reply) => {
        const token = sessionCookie(request);
        if (token) await staff.logout(request.staff ? actorOf(request) : null, token);
        // Gone from the browser: empty, expired at once.
        reply.header(
          'set-cookie',
          cookie(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: secureCookies, path: '/', expires: new Date(0), maxAge: 0 }),
        );
        return { ok: true };
      },
    );

    app.get(
      '/api/v1/staff/me',
      { preValidation: auth.require('admin', 'agent', 'checkin'), schema: { tags, summary: 'Who is logged in, their role and centres, and the CSRF token' } },
      async (request) => {
        const s = request.staff!;
        return {
          actor: s.actor,
          role: s.role,
          centerIds: s.centerIds,
          csrfToken: s.csrfToken,
          account: s.accountId === null ? null : await staff.me(s.accountId),
        };
      },
    );
  };

/** Admins manage staff accounts, API tokens, and read the audit log. */
export const staffAdminRoutes =
  (db: Db, staff: StaffService, auth: StaffAuth): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.addHook('preValidation', auth.require('admin'));

    app.get('/api/v1/admin/staff', { schema: { tags, security, summary: 'Staff accounts' } }, async () => ({ accounts: await staff.listAccounts() }));

    app.post(
      '/api/v1/admin/staff',
      {
        schema: {
          tags,
          security,
          summary: 'Create a staff account (a password is generated and shown once unless given)',
          body: Strict({
            username: Type.String({ pattern: '^[A-Za-z0-9._-]{3,40}$' }),
            displayName: Text({ minLength: 1, maxLength: 100 }),
            role: RoleSchema,
            centerIds: Type.Optional(CenterIds),
            password: Type.Optional(Password),
          }),
          response: errors(400, 401, 403, 409),
        },
      },
      async (request, reply) => reply.status(201).send(await staff.createAccount(actorOf(request), request.body)),
    );

    app.patch(
      '/api/v1/admin/staff/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Change role, centres, name, or disable an account (which ends its sessions)',
          params: Strict({ id: Id }),
          body: Strict({
            displayName: Type.Optional(Text({ minLength: 1, maxLength: 100 })),
            role: Type.Optional(RoleSchema),
            centerIds: Type.Optional(CenterIds),
            disabled: Type.Optional(Type.Boolean()),
          }),
          response: errors(400, 401, 403, 404),
        },
      },
      async (request) => staff.updateAccount(actorOf(request), request.params.id, request.body),
    );

    app.post(
      '/api/v1/admin/staff/:id/password',
      {
        schema: {
          tags,
          security,
          summary: 'Reset a password (generated and shown once unless given); ends the account’s sessions',
          params: Strict({ id: Id }),
          body: Strict({ password: Type.Optional(Password) }),
          response: errors(400, 401, 403, 404),
        },
      },
      async (request) => staff.resetPassword(actorOf(request), request.params.id, request.body.password),
    );

    app.get('/api/v1/admin/tokens', { schema: { tags, security, summary: 'API tokens (without their secrets)' } }, async () => ({
      tokens: await staff.listTokens(),
    }));

    app.post(
      '/api/v1/admin/tokens',
      {
        schema: {
          tags,
          security,
          summary: 'Create a long-lived API token for automation; the token is shown once',
          body: Strict({ name: Text({ minLength: 1, maxLength: 100 }), role: RoleSchema, centerIds: Type.Optional(CenterIds) }),
          response: errors(400, 401, 403),
        },
      },
      async (request, reply) => reply.status(201).send(await staff.createToken(actorOf(request), request.body)),
    );

    app.delete(
      '/api/v1/admin/tokens/:id',
      { schema: { tags, security, summary: 'Revoke an API token', params: Strict({ id: Id }), response: errors(401, 403, 404) } },
      async (request) => staff.revokeToken(actorOf(request), request.params.id),
    );

    app.get(
      '/api/v1/admin/audit',
      {
        schema: {
          tags,
          security,
          summary: 'The audit log, newest first',
          querystring: Strict({
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
            actor: Type.Optional(Text({ maxLength: 200 })),
            action: Type.Optional(Text({ maxLength: 200 })),
          }),
        },
      },
      async (request) => ({ entries: await staff.auditLog(request.query.limit ?? 100, request.query.actor, request.query.action) }),
    );
  };
