import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { admin } from './node.js';

/** A logged-in console session: its cookie and CSRF token, and helpers that send both. */
export interface Session {
  cookie: string;
  csrf: string;
  get(url: string): Promise<{ status: number; body: any }>;
  send(
    method: 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    extra?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
}

export async function login(app: FastifyInstance, username: string, password: string): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/staff/login', payload: { username, password } });
  assert.equal(res.statusCode, 200, res.body);
  const setCookie = String(res.headers['set-cookie']);
  const cookie = setCookie.split(';')[0]!;
  const csrf = res.json().csrfToken as string;
  return {
    cookie,
    csrf,
    async get(url) {
      const r = await app.inject({ url, headers: { cookie } });
      return { status: r.statusCode, body: r.json() };
    },
    async send(method, url, body, extra = {}) {
      const r = await app.inject({
        method,
        url,
        headers: { cookie, 'x-csrf-token': csrf, ...extra },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: r.statusCode, body: r.body ? r.json() : null, headers: r.headers };
    },
  };
}

/** Creates a staff account with the bootstrap token and logs it in. */
export async function staffSession(
  app: FastifyInstance,
  username: string,
  role: 'admin' | 'agent' | 'checkin',
  centerIds: number[] | null = null,
): Promise<Session> {
  const password = `pw-${username}-0123456789`;
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/admin/staff',
    headers: admin,
    payload: { username, displayName: username, role, centerIds, password },
  });
  assert.equal(res.statusCode, 201, res.body);
  return login(app, username, password);
}
