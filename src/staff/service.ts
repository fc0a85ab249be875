import { randomBytes } from 'node:crypto';
import { PG, pgCode, run, tx, type Db } from '../db/pool.js';
import { fail } from '../errors.js';
import { audit } from './audit.js';
import { tokenHash, type Actor } from './auth.js';
import { DUMMY_HASH, MIN_PASSWORD_LENGTH, generatePassword, hashPassword, verifyPassword } from './passwords.js';
import * as sql from './repo.js';
import type { AccountRow, Role } from './repo.js';

/** Five wrong passwords within 15 minutes lock the username for 15 minutes. */
export const LOGIN_LIMIT = { failures: 5, windowMinutes: 15, lockMinutes: 15 };
const SESSION_HOURS = 12; // a shift

export interface AccountView {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  centerIds: number[] | null;
  disabled: boolean;
  createdAt: string;
}

export const accountView = (a: AccountRow): AccountView => ({
  id: a.id,
  username: a.username,
  displayName: a.display_name,
  role: a.role,
  centerIds: a.center_ids,
  disabled: a.disabled,
  createdAt: a.created_at.toISOString(),
});

const checkPassword = (password: string) => {
  if (password.length < MIN_PASSWORD_LENGTH) fail('VALIDATION_FAILED', `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
};

export function staffService(db: Db) {
  return {
    /**
     * Checks a username and password. A locked username is refused before its password is even
     * looked at; an unknown one costs as much time as a known one.
     */
    async login(address: string, usernameRaw: string, password: string) {
      const username = usernameRaw.trim().toLowerCase();
      const locked = (await run<{ seconds: number }>(db, sql.lockoutLeft(username))).rows[0];
      if (locked) return fail('LOCKED_OUT', undefined, { retryAfterSeconds: locked.seconds });
      const account = (await run<AccountRow>(db, sql.accountByUsername(username))).rows[0];
      const ok = await verifyPassword(password, account?.password_hash ?? DUMMY_HASH);
      if (!ok || !account || account.disabled) {
        const f = (
          await run<{ failures: number; locked: boolean; seconds: number | null }>(
            db,
            sql.recordFailure(username, LOGIN_LIMIT.failures, LOGIN_LIMIT.windowMinutes, LOGIN_LIMIT.lockMinutes),
          )
        ).rows[0]!;
        await run(
          db,
          sql.insertAudit({
            actor: `staff:${username}`,
            action: 'login failed',
            target: null,
            before: null,
            after: { failures: f.failures, locked: f.locked },
            address,
          }),
        );
        if (f.locked) return fail('LOCKED_OUT', undefined, { retryAfterSeconds: f.seconds ?? LOGIN_LIMIT.lockMinutes * 60 });
        return fail('INVALID_CREDENTIALS');
      }
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      const expiresAt = await tx(db, async (q) => {
        await run(q, sql.clearFailures(username));
        const row = (await run<{ expires_at: Date }>(q, sql.insertSession(tokenHash(token), account.id, csrfToken, SESSION_HOURS))).rows[0]!;
        await run(q, sql.insertAudit({ actor: `staff:${username}`, action: 'login', target: null, before: null, after: null, address }));
        return row.expires_at;
      });
      return { token, csrfToken, expiresAt, account: accountView(account) };
    },

    async logout(by: Actor | null, token: string) {
      await tx(db, async (q) => {
        await run(q, sql.deleteSession(tokenHash(token)));
        if (by) await audit(q, by, 'logout', {});
      });
    },

    async me(accountId: number) {
      const account = (await run<AccountRow>(db, sql.accountById(accountId))).rows[0] ?? fail('UNAUTHORIZED');
      return accountView(account);
    },

    async createAccount(by: Actor, input: { username: string; displayName: string; role: Role; centerIds?: number[] | null; password?: string }) {
      const password = input.password ?? generatePassword();
      checkPassword(password);
      const passwordHash = await hashPassword(password);
      return tx(db, async (q) => {
        const created = await run<AccountRow>(
          q,
          sql.insertAccount({
            username: input.username.toLowerCase(),
            displayName: input.displayName,
            role: input.role,
            centerIds: input.centerIds ?? null,
            passwordHash,
          }),
        ).catch((err: unknown) => (pgCode(err) === PG.uniqueViolation ? fail('USERNAME_TAKEN') : Promise.reject(err)));
        const account = accountView(created.rows[0]!);
        await audit(q, by, 'create staff account', { target: { accountId: account.id }, after: account });
        // Shown once, to the admin who hands it over; it is not stored anywhere readable.
        return { account, ...(input.password === undefined ? { password } : {}) };
      });
    },

    async updateAccount(by: Actor, id: number, change: { displayName?: string; role?: Role; centerIds?: number[] | null; disabled?: boolean }) {
      return tx(db, async (q) => {
        const row = (await run<AccountRow>(q, sql.accountById(id, true))).rows[0] ?? fail('NOT_FOUND', 'No staff account with this id.');
        const before = accountView(row);
        const after = accountView(
          (
            await run<AccountRow>(
              q,
              sql.updateAccount(id, {
                displayName: change.displayName ?? row.display_name,
                role: change.role ?? row.role,
                centerIds: change.centerIds === undefined ? row.center_ids : change.centerIds,
                disabled: change.disabled ?? row.disabled,
              }),
            )
          ).rows[0]!,
        );
        // A disabled account, or one whose role changed, is logged out everywhere.
        if (after.disabled || after.role !== before.role) await run(q, sql.deleteSessionsOf(id));
        await audit(q, by, 'update staff account', { target: { accountId: id }, before, after });
        return after;
      });
    },

    /** An admin sets a new password (generated unless given) and ends the account's sessions. */
    async resetPassword(by: Actor, id: number, given?: string) {
      const password = given ?? generatePassword();
      checkPassword(password);
      const passwordHash = await hashPassword(password);
      return tx(db, async (q) => {
        const row = (await run<AccountRow>(q, sql.accountById(id, true))).rows[0] ?? fail('NOT_FOUND', 'No staff account with this id.');
        await run(q, sql.setPassword(id, passwordHash));
        await run(q, sql.deleteSessionsOf(id));
        await run(q, sql.clearFailures(row.username));
        await audit(q, by, 'reset staff password', { target: { accountId: id, username: row.username } });
        return { account: accountView(row), ...(given === undefined ? { password } : {}) };
      });
    },

    /** The audit log, newest first, optionally of one actor or action. */
    auditLog: async (limit: number, actor?: string, action?: string) => (await run(db, sql.listAudit(limit, actor, action))).rows,

    async listAccounts() {
      return (await run<AccountRow>(db, sql.listAccounts())).rows.map(accountView);
    },

    async createToken(by: Actor, input: { name: string; role: Role; centerIds?: number[] | null }) {
      const token = `ans_${randomBytes(24).toString('base64url')}`;
      return tx(db, async (q) => {
        const row = (
          await run<sql.TokenRow>(
            q,
            sql.insertToken({ name: input.name, tokenHash: tokenHash(token), role: input.role, centerIds: input.centerIds ?? null, createdBy: by.actor }),
          )
        ).rows[0]!;
        await audit(q, by, 'create API token', { target: { tokenId: row.id }, after: tokenView(row) });
        return { ...tokenView(row), token };
      });
    },

    async revokeToken(by: Actor, id: number) {
      return tx(db, async (q) => {
        const row = (await run<sql.TokenRow>(q, sql.revokeToken(id))).rows[0] ?? fail('NOT_FOUND', 'No live API token with this id.');
        await audit(q, by, 'revoke API token', { target: { tokenId: id }, after: tokenView(row) });
        return tokenView(row);
      });
    },

    async listTokens() {
      return (await run<sql.TokenRow>(db, sql.listTokens())).rows.map(tokenView);
    },
  };
}

export type StaffService = ReturnType<typeof staffService>;

const tokenView = (t: sql.TokenRow) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  centerIds: t.center_ids,
  createdBy: t.created_by,
  createdAt: t.created_at.toISOString(),
  revokedAt: t.revoked_at?.toISOString() ?? null,
  lastUsedAt: t.last_used_at?.toISOString() ?? null,
});

/**
 * The first admin of a new installation: created once when no staff account exists; the caller prints
 * the password. Safe when several processes start together: the username is unique.
 */
export async function ensureFirstAdmin(db: Db): Promise<{ username: string; password: string } | null> {
  if ((await run<{ n: number }>(db, sql.countAccounts())).rows[0]!.n > 0) return null;
  const password = generatePassword();
  try {
    await run(
      db,
      sql.insertAccount({ username: 'admin', displayName: 'Administrator', role: 'admin', centerIds: null, passwordHash: await hashPassword(password) }),
    );
  } catch (err) {
    if (pgCode(err) === PG.uniqueViolation) return null;
    throw err;
  }
  return { username: 'admin', password };
}
