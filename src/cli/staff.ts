/**
 * Staff accounts from the command line, for the first admin or a locked-out one:
 *
 *   npm run staff -- create-admin <username>      a new admin; prints the generated password
 *   npm run staff -- reset-password <username>    a new password for an account; ends its sessions
 *
 * Uses DATABASE_URL, or the embedded database under ./data (stop Ansturm first: one PostgreSQL per folder).
 */
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { run } from '../db/pool.js';
import { withDatabase } from './database.js';
import { generatePassword, hashPassword } from '../staff/passwords.js';
import * as sql from '../staff/repo.js';

const [command, username] = process.argv.slice(2);
if (!['create-admin', 'reset-password'].includes(command ?? '') || !username || !/^[a-z0-9._-]{3,40}$/.test(username)) {
  console.error('usage: npm run staff -- create-admin <username> | reset-password <username>   (username: 3-40 of a-z 0-9 . _ -)');
  process.exit(2);
}
const config = loadConfig();
const log = pino({ level: 'warn' });
await withDatabase(config, log, async (db) => {
  const password = generatePassword();
  const hash = await hashPassword(password);
  const actor = `cli:${process.env.USER ?? 'unknown'}`;
  if (command === 'create-admin') {
    await run(db, sql.insertAccount({ username, displayName: username, role: 'admin', centerIds: null, passwordHash: hash }));
    await run(db, sql.insertAudit({ actor, action: 'create staff account', target: { username }, before: null, after: { role: 'admin' }, address: null }));
  } else {
    const account = (await run<sql.AccountRow>(db, sql.accountByUsername(username))).rows[0];
    if (!account) throw new Error(`no staff account named ${username}`);
    await run(db, sql.setPassword(account.id, hash));
    await run(db, sql.deleteSessionsOf(account.id));
    await run(db, sql.clearFailures(username));
    await run(db, sql.insertAudit({ actor, action: 'reset staff password', target: { username }, before: null, after: null, address: null }));
  }
  console.log(`${username}: password ${password}`);
});
