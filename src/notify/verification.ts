import { createHmac, randomInt } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { run, tx, type Db, type Queryable } from '../db/pool.js';
import { AppError, fail } from '../errors.js';
import * as sql from './repo.js';
import type { Channel } from './repo.js';
import { codeMessage, codeSms, type Locale } from './templates.js';

const CODE_TTL_MINUTES = 30;
const MAX_CODES_PER_HOUR = 5;
const MAX_FAILURES = 5;
const COOL_DOWN_MINUTES = 15;
/** How long a verified contact counts as verified: long enough to verify days before a release. */
export const VERIFIED_FOR_DAYS = 30;

/** One spelling per contact: e-mail in lower case; phone as +<digits>, a leading 0 read as Germany. */
export function normaliseContact(channel: Channel, contact: string): string {
  const c = contact.trim();
  if (channel === 'email') {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(c) || c.length > 254) fail('CONTACT_INVALID');
    return c.toLowerCase();
  }
  // libphonenumber's full metadata: a German number in any notation (0170..., 0049..., +49...), others with
  // their country code; a number no operator hands out is refused, not sent codes that never arrive.
  const parsed = parsePhoneNumberFromString(c, 'DE');
  if (!parsed?.isValid()) return fail('CONTACT_INVALID', 'This is not a valid phone number. Write it with its area code, e.g. 0170 1234567.');
  return parsed.number;
}

/**
 * The address a message about a stored booking or wait-list entry goes to. Never refuses: what was
 * stored was checked when it was typed (by the rules of that day); a number the current rules do
 * not know goes out in plain E.164 digits and the provider decides (a refusal is a dead letter).
 */
export function recipientOf(channel: Channel, contact: string): string {
  if (channel === 'email') return contact.trim().toLowerCase();
  const parsed = parsePhoneNumberFromString(contact.trim(), 'DE');
  if (parsed?.isValid()) return parsed.number;
  const digits = contact.replace(/[^\d+]/g, '');
  return digits.startsWith('+') ? digits : digits.startsWith('00') ? `+${digits.slice(2)}` : digits.startsWith('0') ? `+49${digits.slice(1)}` : `+${digits}`;
}

/**
 * One-time codes for a phone number or e-mail address: stored as a keyed hash, valid 30
 * minutes, a resend leaves earlier codes valid, five wrong codes in a row lock the
 * contact for 15 minutes. The code goes out through the outbox, in the code lane.
 */
export function verificationService(db: Db, key: string) {
  const hash = (contact: string, code: string) => createHmac('sha256', key).update(`${contact}\u0000${code}`).digest();

  return {
    async request(channel: Channel, rawContact: string, locale: Locale) {
      const contact = normaliseContact(channel, rawContact);
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const text = channel === 'email' ? codeMessage(code, locale) : { subject: '', text: codeSms(code, locale), html: undefined };
      const message = { kind: 'code' as const, channel, recipient: contact, locale, subject: text.subject, text: text.text, html: text.html };
      // One statement: refused (locked, too many codes) or stored with its message.
      const row = (
        await run<{ refused: string | null; expires_at: Date | null }>(
          db,
          sql.requestCode(contact, hash(contact, code), CODE_TTL_MINUTES, MAX_CODES_PER_HOUR, message),
        )
      ).rows[0]!;
      if (row.refused === 'VERIFICATION_LOCKED') fail('VERIFICATION_LOCKED');
      if (row.refused === 'RATE_LIMITED') fail('RATE_LIMITED', 'Too many codes requested for this contact. Please try again later.');
      return { contact, channel, expiresAt: row.expires_at!.toISOString() };
    },

    async confirm(channel: Channel, rawContact: string, code: string) {
      const contact = normaliseContact(channel, rawContact);
      // The outcome is decided and recorded in one transaction; a wrong code is reported after it commits.
      const outcome = await tx(db, async (q) => {
        const attempts = (await run<{ failures: number; locked: boolean; stale: boolean }>(q, sql.lockAttempts(contact, CODE_TTL_MINUTES))).rows[0]!;
        if (attempts.locked) return { error: new AppError('VERIFICATION_LOCKED') };
        if ((await run<{ used: boolean }>(q, sql.useCode(contact, hash(contact, code)))).rows[0]!.used) return { error: undefined };
        const failures = (attempts.stale ? 0 : attempts.failures) + 1;
        if (failures >= MAX_FAILURES) {
          await run(q, sql.lockContact(contact, COOL_DOWN_MINUTES));
          return { error: new AppError('VERIFICATION_LOCKED', `Too many wrong codes. Please wait ${COOL_DOWN_MINUTES} minutes.`) };
        }
        await run(q, sql.countFailure(contact, failures, attempts.stale));
        return { error: new AppError('CODE_INVALID', `The code is wrong or has expired. ${MAX_FAILURES - failures} attempt(s) left.`) };
      });
      if (outcome.error) throw outcome.error;
      return { contact, verified: true };
    },
  };
}

/** Whether one of these contacts was verified recently enough. */
export async function anyVerified(q: Queryable, contacts: string[]): Promise<boolean> {
  return (await verifiedAmong(q, contacts)).size > 0;
}

/** Which of these (normalised) contacts were verified recently enough. */
export async function verifiedAmong(q: Queryable, contacts: string[]): Promise<Set<string>> {
  if (contacts.length === 0) return new Set();
  const res = await run<{ contact: string }>(q, sql.verifiedSince(contacts, VERIFIED_FOR_DAYS));
  return new Set(res.rows.map((r) => r.contact));
}
