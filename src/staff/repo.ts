import type { Sql } from '../db/pool.js';

export type Role = 'admin' | 'agent' | 'checkin';

export interface AccountRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  center_ids: number[] | null;
  password_hash: string;
  disabled: boolean;
  created_at: Date;
}

const ACCOUNT_FIELDS = 'id, username, display_name, role, center_ids, password_hash, disabled, created_at';

export const accountByUsername = (username: string): Sql => ({
  text: `SELECT ${ACCOUNT_FIELDS} FROM staff_accounts WHERE username = $1`,
  values: [username],
});

export const accountById = (id: number, lock = false): Sql => ({
  text: `SELECT ${ACCOUNT_FIELDS} FROM staff_accounts WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
  values: [id],
});

export const listAccounts = (): Sql => ({ text: `SELECT ${ACCOUNT_FIELDS} FROM staff_accounts ORDER BY username`, values: [] });

export const countAccounts = (): Sql => ({ text: 'SELECT count(*)::int AS n FROM staff_accounts', values: [] });

export const insertAccount = (a: { username: string; displayName: string; role: Role; centerIds: number[] | null; passwordHash: string }): Sql => ({
  text: `INSERT INTO staff_accounts (username, display_name, role, center_ids, password_hash) VALUES ($1, $2, $3, $4, $5)
         RETURNING ${ACCOUNT_FIELDS}`,
  values: [a.username, a.displayName, a.role, a.centerIds, a.passwordHash],
});

export const updateAccount = (id: number, a: { displayName: string; role: Role; centerIds: number[] | null; disabled: boolean }): Sql => ({
  text: `UPDATE staff_accounts SET display_name = $2, role = $3, center_ids = $4, disabled = $5 WHERE id = $1 RETURNING ${ACCOUNT_FIELDS}`,
  values: [id, a.displayName, a.role, a.centerIds, a.disabled],
});

export const setPassword = (id: number, passwordHash: string): Sql => ({
  text: `UPDATE staff_accounts SET password_hash = $2, password_set_at = clock_now() WHERE id = $1 RETURNING id`,
  values: [id, passwordHash],
});

/** A lockout in effect for this username, in whole seconds left (no row: none). */
export const lockoutLeft = (username: string): Sql => ({
  text: `SELECT ceil(extract(epoch FROM locked_until - clock_now()))::int AS seconds FROM login_failures WHERE username = $1 AND locked_until > clock_now()`,
  values: [username],
});

/**
 * Counts a failed login in one statement: failures within a window of `windowMinutes`; reaching
 * `limit` locks the username for `lockMinutes`. Concurrent failures cannot both slip under the limit.
 */
export const recordFailure = (username: string, limit: number, windowMinutes: number, lockMinutes: number): Sql => ({
  text: `INSERT INTO login_failures AS f (username, failures, window_start, locked_until)
         VALUES ($1, 1, clock_now(), CASE WHEN 1 >= $2 THEN clock_now() + make_interval(mins => $4) END)
         ON CONFLICT (username) DO UPDATE SET
           failures = CASE WHEN f.window_start < clock_now() - make_interval(mins => $3) THEN 1 ELSE f.failures + 1 END,
           window_start = CASE WHEN f.window_start < clock_now() - make_interval(mins => $3) THEN clock_now() ELSE f.window_start END,
           locked_until = CASE
             WHEN (CASE WHEN f.window_start < clock_now() - make_interval(mins => $3) THEN 1 ELSE f.failures + 1 END) >= $2
             THEN clock_now() + make_interval(mins => $4) ELSE f.locked_until END
         RETURNING failures, locked_until > clock_now() AS locked, ceil(extract(epoch FROM locked_until - clock_now()))::int AS seconds`,
  values: [username, limit, windowMinutes, lockMinutes],
});

export const clearFailures = (username: string): Sql => ({ text: 'DELETE FROM login_failures WHERE username = $1', values: [username] });

export const insertSession = (tokenHash: Buffer, accountId: number, csrfToken: string, hours: number): Sql => ({
  text: `INSERT INTO staff_sessions (token_hash, account_id, csrf_token, expires_at) VALUES ($1, $2, $3, clock_now() + make_interval(hours => $4))
         RETURNING expires_at`,
  values: [tokenHash, accountId, csrfToken, hours],
});

export interface SessionRow extends AccountRow {
  csrf_token: string;
}

export const sessionByHash = (tokenHash: Buffer): Sql => ({
  text: `SELECT a.id, a.username, a.display_name, a.role, a.center_ids, a.password_hash, a.disabled, a.created_at, s.csrf_token
         FROM staff_sessions s JOIN staff_accounts a ON a.id = s.account_id
         WHERE s.token_hash = $1 AND s.expires_at > clock_now() AND NOT a.disabled`,
  values: [tokenHash],
});

export const deleteSession = (tokenHash: Buffer): Sql => ({ text: 'DELETE FROM staff_sessions WHERE token_hash = $1', values: [tokenHash] });
export const deleteSessionsOf = (accountId: number): Sql => ({ text: 'DELETE FROM staff_sessions WHERE account_id = $1', values: [accountId] });

export interface TokenRow {
  id: number;
  name: string;
  role: Role;
  center_ids: number[] | null;
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export const insertToken = (t: { name: string; tokenHash: Buffer; role: Role; centerIds: number[] | null; createdBy: string }): Sql => ({
  text: `INSERT INTO api_tokens (name, token_hash, role, center_ids, created_by) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, name, role, center_ids, created_by, created_at, revoked_at, last_used_at`,
  values: [t.name, t.tokenHash, t.role, t.centerIds, t.createdBy],
});

/** A live token, marked used (at most once a minute, so automation does not write on every call). */
export const useToken = (tokenHash: Buffer): Sql => ({
  text: `WITH t AS (SELECT id, name, role, center_ids FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL),
         u AS (UPDATE api_tokens SET last_used_at = clock_now() WHERE id = (SELECT id FROM t) AND (last_used_at IS NULL OR last_used_at < clock_now() - interval '1 minute'))
         SELECT id, name, role, center_ids FROM t`,
  values: [tokenHash],
});

export const listTokens = (): Sql => ({
  text: 'SELECT id, name, role, center_ids, created_by, created_at, revoked_at, last_used_at FROM api_tokens ORDER BY id',
  values: [],
});

export const revokeToken = (id: number): Sql => ({
  text: `UPDATE api_tokens SET revoked_at = clock_now() WHERE id = $1 AND revoked_at IS NULL
         RETURNING id, name, role, center_ids, created_by, created_at, revoked_at, last_used_at`,
  values: [id],
});

export const insertAudit = (e: { actor: string; action: string; target: unknown; before: unknown; after: unknown; address: string | null }): Sql => ({
  text: `INSERT INTO audit_log (actor, action, target, before, after, address) VALUES ($1, $2, $3, $4, $5, $6)`,
  values: [e.actor, e.action, json(e.target), json(e.before), json(e.after), e.address],
});

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

export const listAudit = (limit: number, actor?: string, action?: string): Sql => ({
  text: `SELECT id, at, actor, action, target, before, after, address FROM audit_log
         WHERE ($2::text IS NULL OR actor = $2) AND ($3::text IS NULL OR action ILIKE '%' || $3 || '%')
         ORDER BY id DESC LIMIT $1`,
  values: [limit, actor ?? null, action ?? null],
});
