import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestNode, admin, type TestNode } from './support/node.js';
import { setUpWorld } from './support/fixtures.js';
import { login, staffSession } from './support/staff.js';
import { ensureFirstAdmin } from '../src/staff/service.js';

let node: TestNode;
before(async () => {
  node = await startTestNode({ ANSTURM_LOGINS_PER_MINUTE: '0' });
});
after(() => node.stop());

const inject = (method: string, url: string, headers: Record<string, string> = {}, payload?: unknown) =>
  node.app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

describe('staff accounts and sessions', () => {
  test('the first admin is created once, and logs in with an HTTP-only, same-site cookie', async () => {
    const first = await ensureFirstAdmin(node.db);
    assert.ok(first, 'a fresh installation gets its first admin');
    assert.equal(await ensureFirstAdmin(node.db), null, 'and only once');
    const stored = await node.db.query(`SELECT password_hash FROM staff_accounts WHERE username = 'admin'`);
    assert.match(stored.rows[0].password_hash, /^scrypt\$32768\$8\$1\$/);
    assert.ok(!stored.rows[0].password_hash.includes(first.password));

    const res = await inject('POST', '/api/v1/staff/login', {}, { username: 'Admin', password: first.password });
    assert.equal(res.statusCode, 200, res.body);
    const cookie = String(res.headers['set-cookie']);
    assert.match(cookie, /^ansturm_staff=[\w-]{40,};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.equal(res.json().account.role, 'admin');
    const me = await inject('GET', '/api/v1/staff/me', { cookie: cookie.split(';')[0]! });
    assert.equal(me.json().actor, 'staff:admin');
    assert.equal(me.json().csrfToken, res.json().csrfToken);
  });

  test('five wrong passwords lock the username: 429 LOCKED_OUT with Retry-After, even for the right password; unknown names behave the same', async () => {
    const s = await staffSession(node.app, 'lockme', 'agent');
    assert.ok(s.cookie);
    for (const username of ['lockme', 'nobody-here']) {
      const answers: number[] = [];
      for (let i = 0; i < 6; i++) answers.push((await inject('POST', '/api/v1/staff/login', {}, { username, password: 'wrong-password' })).statusCode);
      assert.deepEqual(answers, [401, 401, 401, 401, 429, 429], username);
    }
    const locked = await inject('POST', '/api/v1/staff/login', {}, { username: 'lockme', password: 'pw-lockme-0123456789' });
    assert.equal(locked.statusCode, 429);
    assert.equal(locked.json().code, 'LOCKED_OUT');
    assert.ok(Number(locked.headers['retry-after']) > 800, `Retry-After ${locked.headers['retry-after']}`);
    const failures = await node.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'login failed' AND actor = 'staff:lockme'`);
    assert.equal(failures.rows[0].n, 5, 'each failure is audited (the refused-while-locked ones are not even checked)');

    // An admin's password reset lifts the lock and ends the account's sessions.
    const id = (await node.db.query(`SELECT id FROM staff_accounts WHERE username = 'lockme'`)).rows[0].id;
    const reset = await inject('POST', `/api/v1/admin/staff/${id}/password`, admin, { password: 'a-brand-new-password' });
    assert.equal(reset.statusCode, 200, reset.body);
    assert.equal((await s.get('/api/v1/staff/me')).status, 401, 'the old session ended');
    assert.equal((await inject('POST', '/api/v1/staff/login', {}, { username: 'lockme', password: 'a-brand-new-password' })).statusCode, 200);
    const audit = await node.db.query(`SELECT after::text FROM audit_log WHERE action = 'reset staff password' ORDER BY id DESC LIMIT 1`);
    assert.ok(!String(audit.rows[0]?.after).includes('a-brand-new-password'), 'passwords never reach the audit log');
  });

  test('a change from a console session needs its CSRF token; bearer tokens do not', async () => {
    const s = await staffSession(node.app, 'csrf-admin', 'admin');
    const center = { name: 'CSRF-Zentrum', address: 'A 1', postalCode: '58332', district: 'EN', lat: 51.28, lon: 7.29 };
    const bare = await inject('POST', '/api/v1/admin/centers', { cookie: s.cookie }, center);
    assert.equal(bare.statusCode, 403);
    assert.equal(bare.json().code, 'CSRF_FAILED');
    const wrong = await inject('POST', '/api/v1/admin/centers', { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(s.csrf.length) }, center);
    assert.equal(wrong.json().code, 'CSRF_FAILED');
    assert.equal((await s.send('POST', '/api/v1/admin/centers', center)).status, 201);
    assert.equal((await inject('POST', '/api/v1/admin/centers', admin, center)).statusCode, 201);
    assert.equal((await s.get('/api/v1/admin/centers')).status, 200, 'reading needs no token');
    const logout = await s.send('POST', '/api/v1/staff/logout');
    assert.equal(logout.status, 200);
    assert.match(
      String(logout.headers['set-cookie']),
      /^ansturm_staff=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict$/,
      'the browser drops the cookie',
    );
    assert.equal((await s.get('/api/v1/admin/centers')).status, 401);
  });

  test('every staff route refuses strangers (401) and the wrong role (403)', async () => {
    const agent = await staffSession(node.app, 'role-agent', 'agent');
    const checkin = await staffSession(node.app, 'role-checkin', 'checkin');
    const doc = (await inject('GET', '/api/docs/json')).json() as { paths: Record<string, Record<string, unknown>> };
    const probe = (path: string) =>
      path.replace(/\{[^}]+\}/g, (m) =>
        /code/i.test(m) ? 'ABCD-2345' : /offer|hold/i.test(m) ? '7f0c2b1e-1d2c-4c4e-9a43-3f1f7f9b6a11' : /day/i.test(m) ? '2026-12-01' : '1',
      );
    const staffPaths = Object.entries(doc.paths).filter(([path]) => /^\/api\/v1\/(admin|agent|checkin)\//.test(path));
    assert.ok(staffPaths.length >= 20, `found ${staffPaths.length} staff paths`);
    let checked = 0;
    for (const [path, methods] of staffPaths) {
      const area = path.split('/')[3]!;
      for (const method of Object.keys(methods).map((m) => m.toUpperCase())) {
        const url = probe(path);
        const body = method === 'GET' || method === 'DELETE' ? undefined : {};
        assert.equal((await inject(method, url, {}, body)).statusCode, 401, `${method} ${path} without credentials`);
        // Admin areas are for admins (agents may put callers on the wait list); agents and check-in keep to their own.
        const agentAllowed = area === 'agent' || path.startsWith('/api/v1/admin/waitlist');
        const checkinAllowed = area === 'checkin';
        for (const [who, s, allowed] of [
          ['agent', agent, agentAllowed],
          ['checkin', checkin, checkinAllowed],
        ] as const) {
          const res = method === 'GET' ? await s.get(url) : await s.send(method as 'POST', url, body);
          if (allowed) assert.notEqual(res.status, 403, `${who} may ${method} ${path}`);
          else assert.equal(res.status, 403, `${who} must not ${method} ${path}: ${JSON.stringify(res.body)}`);
        }
        checked++;
      }
    }
    assert.ok(checked >= 25);
  });

  test('API tokens carry a role, work without CSRF, and stop working when revoked', async () => {
    const s = await staffSession(node.app, 'token-admin', 'admin');
    const created = await s.send('POST', '/api/v1/admin/tokens', { name: 'export-job', role: 'agent' });
    assert.equal(created.status, 201);
    assert.match(created.body.token, /^ans_/);
    const bearer = { authorization: `Bearer ${created.body.token}` };
    assert.equal((await inject('GET', '/api/v1/admin/waitlist?campaignId=1', bearer)).statusCode, 200);
    assert.equal((await inject('GET', '/api/v1/admin/centers', bearer)).statusCode, 403);
    const listed = await s.get('/api/v1/admin/tokens');
    assert.ok(
      listed.body.tokens.every((t: Record<string, unknown>) => !('token' in t)),
      'secrets are never listed',
    );
    assert.equal((await s.send('DELETE', `/api/v1/admin/tokens/${created.body.id}`)).status, 200);
    assert.equal((await inject('GET', '/api/v1/admin/waitlist?campaignId=1', bearer)).statusCode, 401);
  });

  test('staff actions are audited with who, what, when, before and after', async () => {
    const s = await staffSession(node.app, 'auditor', 'admin');
    const w = await setUpWorld(node.app, { waitingRoom: true, opensAt: new Date(Date.now() + 3_600_000).toISOString() });
    const center = await s.send('POST', '/api/v1/admin/centers', {
      name: 'Audit-Zentrum',
      address: 'B 2',
      postalCode: '58332',
      district: 'EN',
      lat: 51.28,
      lon: 7.29,
    });
    assert.equal(center.status, 201);
    assert.equal((await s.send('PATCH', `/api/v1/admin/queue/rooms/${w.releaseId}`, { difficulty: 12 })).status, 200);
    assert.equal((await s.send('POST', `/api/v1/admin/queue/rooms/${w.releaseId}/pause`)).status, 200);
    const entries = (await s.get('/api/v1/admin/audit?actor=staff:auditor')).body.entries as {
      action: string;
      before: any;
      after: any;
      at: string;
      address: string;
    }[];
    const byAction = new Map(entries.map((e) => [e.action, e]));
    assert.equal(byAction.get('POST /api/v1/admin/centers')?.after.name, 'Audit-Zentrum');
    assert.deepEqual(byAction.get('waiting room: settings')?.before, { difficulty: 18 });
    assert.deepEqual(byAction.get('waiting room: settings')?.after, { difficulty: 12 });
    assert.deepEqual(byAction.get('waiting room: pause')?.before, { state: 'scheduled' });
    assert.ok(byAction.has('login'));
    assert.ok(entries.every((e) => e.at && e.address));
    // The bootstrap token's own changes are audited too.
    const bootstrap = await node.db.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE actor = 'bootstrap-token' AND action = 'POST /api/v1/admin/releases'`,
    );
    assert.ok(bootstrap.rows[0].n >= 1);
  });

  test('a disabled account is logged out everywhere and cannot log in', async () => {
    const s = await staffSession(node.app, 'leaver', 'checkin');
    const id = (await node.db.query(`SELECT id FROM staff_accounts WHERE username = 'leaver'`)).rows[0].id;
    const res = await inject('PATCH', `/api/v1/admin/staff/${id}`, admin, { disabled: true });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await s.get('/api/v1/staff/me')).status, 401);
    const again = await inject('POST', '/api/v1/staff/login', {}, { username: 'leaver', password: 'pw-leaver-0123456789' });
    assert.equal(again.statusCode, 401);
    assert.equal(
      (await inject('POST', '/api/v1/admin/staff', admin, { username: 'leaver', displayName: 'x', role: 'agent', password: '0123456789ab' })).json().code,
      'USERNAME_TAKEN',
    );
    assert.equal(
      (await inject('POST', '/api/v1/admin/staff', admin, { username: 'shorty', displayName: 'x', role: 'agent', password: 'short' })).statusCode,
      400,
    );
    assert.ok(login);
  });
});
