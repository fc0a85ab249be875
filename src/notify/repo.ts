import type { Language } from '../languages.js';
import { renumbered, type Sql } from '../db/pool.js';

export type Channel = 'email' | 'sms';
export type Kind = 'code' | 'confirmation' | 'cancellation' | 'reminder' | 'offer';

export const PRIORITY: Record<Kind, number> = { code: 0, confirmation: 1, cancellation: 1, offer: 1, reminder: 2 };

export interface NewMessage {
  kind: Kind;
  channel: Channel;
  recipient: string;
  locale: Language;
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; contentType: string; content: string }[];
  bookingId?: number;
  notBefore?: Date;
}

export const enqueue = (m: NewMessage): Sql => ({
  text: `INSERT INTO messages (kind, channel, priority, recipient, locale, subject, body_text, body_html, attachments, booking_id, not_before)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, COALESCE($11, clock_now())) RETURNING id`,
  values: [
    m.kind,
    m.channel,
    PRIORITY[m.kind],
    m.recipient,
    m.locale,
    m.subject,
    m.text,
    m.html ?? null,
    JSON.stringify(m.attachments ?? []),
    m.bookingId ?? null,
    m.notBefore ?? null,
  ],
});

/** Many messages in one statement (a batch of bookings writes all of theirs at once). */
export const enqueueMany = (messages: NewMessage[]): Sql => {
  const col = <T>(f: (m: NewMessage) => T) => messages.map(f);
  return {
    text: `INSERT INTO messages (kind, channel, priority, recipient, locale, subject, body_text, body_html, attachments, booking_id, not_before)
           SELECT kind, channel, priority, recipient, locale, subject, body_text, body_html, attachments, booking_id, COALESCE(not_before, clock_now())
           FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::bigint[], $11::timestamptz[])
                AS m(kind, channel, priority, recipient, locale, subject, body_text, body_html, attachments, booking_id, not_before)`,
    values: [
      col((m) => m.kind),
      col((m) => m.channel),
      col((m) => PRIORITY[m.kind]),
      col((m) => m.recipient),
      col((m) => m.locale),
      col((m) => m.subject),
      col((m) => m.text),
      col((m) => m.html ?? null),
      col((m) => JSON.stringify(m.attachments ?? [])),
      col((m) => m.bookingId ?? null),
      col((m) => m.notBefore ?? null),
    ],
  };
};

/** Reminders not yet sent for a booking that was cancelled or moved. */
/** Drops every message about a booking that has not gone out yet (one being sent right now goes). */
export const dropPendingMessages = (bookingId: number): Sql => ({
  text: `UPDATE messages SET state = 'cancelled' WHERE booking_id = $1 AND state = 'queued'`,
  values: [bookingId],
});

/** The channel's shared token bucket, created full on first use. */
export const ensureBudget = (channel: Channel, rate: number): Sql => ({
  text: `INSERT INTO channel_budgets (channel, tokens) VALUES ($1, $2) ON CONFLICT (channel) DO NOTHING`,
  values: [channel, rate],
});

export interface ClaimedMessage {
  id: number;
  idempotency_key: string;
  kind: Kind;
  channel: Channel;
  priority: number;
  recipient: string;
  subject: string;
  body_text: string;
  body_html: string | null;
  attachments: { filename: string; contentType: string; content: string }[];
  attempts: number;
}

/** A claimed message; its columns are null on the one row of a round that claimed nothing. */
export type ClaimRow = { [K in keyof ClaimedMessage]: ClaimedMessage[K] | null } & {
  /** 1, or 0 when the channel has no budget row yet (ensureBudget, then claim again). */
  budgets: number;
};

/**
 * One round of a channel's senders, in one statement: takes what the channel's shared token bucket holds
 * (refilled at `rate` a second, at most `rate` kept), claims that many due messages (at most `batch`), most
 * urgent lane first, under a lease, and keeps the tokens left. The bucket's row is locked only while the
 * statement runs, so the senders of other nodes wait for one statement, not for a transaction's round trips.
 * A message in 'sending' whose lease ran out belonged to a sender that died: it is claimed again.
 * Always at least one row: with nothing claimed, one whose message columns are null.
 */
export const claimWithinBudget = (channel: Channel, rate: number, batch: number, leaseSeconds: number): Sql => ({
  text: `WITH budget AS MATERIALIZED (
           SELECT least($2::float8, tokens + $2::float8 * extract(epoch FROM clock_now() - updated_at)::float8) AS available
           FROM channel_budgets WHERE channel = $1 FOR UPDATE
         ), claimed AS (
           UPDATE messages m SET state = 'sending', attempts = m.attempts + 1, lease_until = clock_now() + make_interval(secs => $4)
           -- The ids as an array, found first: as IN (subquery) the planner could not know the LIMIT and joined by
           -- reading the whole table (4 ms a round with 36,000 messages, the most time of any statement in a rush).
           WHERE m.id = ANY (ARRAY(
             SELECT id FROM messages
             WHERE channel = $1 AND not_before <= clock_now()
               AND (state = 'queued' OR (state = 'sending' AND lease_until < clock_now()))
             ORDER BY priority, not_before, id
             LIMIT coalesce((SELECT greatest(0, least($3::int, floor(available)::int)) FROM budget), 0)
             FOR UPDATE SKIP LOCKED))
           RETURNING m.id, m.idempotency_key, m.kind, m.channel, m.priority, m.recipient, m.subject, m.body_text, m.body_html, m.attachments, m.attempts
         ), spent AS (
           UPDATE channel_budgets SET tokens = (SELECT available FROM budget) - (SELECT count(*) FROM claimed), updated_at = clock_now()
           WHERE channel = $1
         )
         SELECT (SELECT count(*) FROM budget)::int AS budgets, c.* FROM (SELECT 1) AS one LEFT JOIN claimed c ON true`,
  values: [channel, rate, batch, leaseSeconds],
});

/** Messages handed over, each with where it went: one statement for all that were sent meanwhile (dispatcher.ts). */
export const markSent = (sent: { id: number; deliveredTo: string }[]): Sql => ({
  text: `UPDATE messages m SET state = 'sent', sent_at = clock_now(), lease_until = NULL, delivered_to = d.delivered_to, last_error = NULL
         FROM unnest($1::bigint[], $2::text[]) AS d(id, delivered_to) WHERE m.id = d.id AND m.state = 'sending'`,
  values: [sent.map((s) => s.id), sent.map((s) => s.deliveredTo)],
});

export const markRetry = (id: number, delayMs: number, error: string): Sql => ({
  text: `UPDATE messages SET state = 'queued', lease_until = NULL, not_before = clock_now() + make_interval(secs => $2 / 1000.0), last_error = $3
         WHERE id = $1 AND state = 'sending'`,
  values: [id, delayMs, error],
});

export const markFailed = (id: number, error: string): Sql => ({
  text: `UPDATE messages SET state = 'failed', lease_until = NULL, last_error = $2 WHERE id = $1 AND state = 'sending'`,
  values: [id, error],
});

export const retryFailed = (id: number): Sql => ({
  text: `UPDATE messages SET state = 'queued', attempts = 0, not_before = clock_now(), last_error = NULL WHERE id = $1 AND state = 'failed' RETURNING id`,
  values: [id],
});

export interface BacklogRow {
  channel: Channel;
  priority: number;
  queued: number;
  oldest_seconds: number | null;
}

/** What waits, per channel and lane, and how long the oldest due message has waited. */
export const backlog = (): Sql => ({
  text: `SELECT channel, priority, count(*)::int AS queued,
                extract(epoch FROM clock_now() - min(not_before))::float8 AS oldest_seconds
         FROM messages WHERE state IN ('queued', 'sending') AND not_before <= clock_now()
         GROUP BY channel, priority ORDER BY channel, priority`,
  values: [],
});

/** Age of the oldest code waiting on any channel: the admission controller slows down when codes are late. */
export const oldestCodeAge = (): Sql => ({
  text: `SELECT COALESCE(extract(epoch FROM clock_now() - min(not_before)), 0)::float8 AS seconds
         FROM messages WHERE kind = 'code' AND state IN ('queued', 'sending') AND not_before <= clock_now()`,
  values: [],
});

export interface MessageFilter {
  recipient?: string;
  kind?: string;
  state?: string;
  limit: number;
}

export const listMessages = (filter: MessageFilter): Sql => ({
  text: `SELECT id, kind, channel, priority, recipient, locale, subject, body_text AS "text", state, attempts, last_error AS "lastError",
                delivered_to AS "deliveredTo", created_at AS "createdAt", not_before AS "notBefore", sent_at AS "sentAt", booking_id AS "bookingId"
         FROM messages
         WHERE ($1::text IS NULL OR recipient = $1) AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR state = $3)
         ORDER BY id DESC LIMIT $4`,
  values: [filter.recipient ?? null, filter.kind ?? null, filter.state ?? null, filter.limit],
});

export const messagesOfBooking = (bookingId: number): Sql => ({
  text: `SELECT kind, channel, state, attempts, created_at AS "createdAt", not_before AS "notBefore", sent_at AS "sentAt"
         FROM messages WHERE booking_id = $1 ORDER BY id`,
  values: [bookingId],
});

// One-time codes and verified contacts (notify/verification.ts).

/**
 * A new code for a contact and its message, in one statement (its own transaction), unless the contact is locked
 * after wrong codes or has had `maxPerHour` codes within the hour: `refused` names which (null: the code was stored
 * and its message written, `expires_at` set).
 */
export const requestCode = (contact: string, codeHash: Buffer, ttlMinutes: number, maxPerHour: number, message: NewMessage): Sql => {
  const written = enqueueMany([message]);
  return {
    text: `WITH refused AS (
             SELECT CASE WHEN EXISTS (SELECT 1 FROM verification_attempts WHERE contact = $1::text AND locked_until > clock_now())
                         THEN 'VERIFICATION_LOCKED'
                         WHEN (SELECT count(*) FROM verification_codes WHERE contact = $1::text AND created_at > clock_now() - interval '1 hour') >= $4::int
                         THEN 'RATE_LIMITED'
                    END AS code
           ), stored AS (
             INSERT INTO verification_codes (contact, code_hash, expires_at)
             SELECT $1::text, $2::bytea, clock_now() + make_interval(mins => $3::int) FROM refused WHERE refused.code IS NULL
             RETURNING expires_at
           ), sent AS (
             ${renumbered(written, 4)} WHERE EXISTS (SELECT 1 FROM stored)
           )
           SELECT (SELECT code FROM refused) AS refused, (SELECT expires_at FROM stored) AS expires_at`,
    values: [contact, codeHash, ttlMinutes, maxPerHour, ...written.values],
  };
};

/**
 * The contact's wrong codes, its row made if it had none and locked for this transaction (an upsert locks what it
 * touches); `stale` when the counting window has passed.
 */
export const lockAttempts = (contact: string, windowMinutes: number): Sql => ({
  text: `INSERT INTO verification_attempts AS a (contact) VALUES ($1) ON CONFLICT (contact) DO UPDATE SET contact = a.contact
         RETURNING a.failures, COALESCE(a.locked_until > clock_now(), false) AS locked,
                   a.window_start < clock_now() - make_interval(mins => $2) AS stale`,
  values: [contact, windowMinutes],
});

/**
 * Uses one live code matching the hash and, when there was one, marks the contact verified and clears its wrong
 * codes, in one statement; `used` says whether it did.
 */
export const useCode = (contact: string, codeHash: Buffer): Sql => ({
  text: `WITH used AS (
           UPDATE verification_codes SET used_at = clock_now() WHERE id = (
             SELECT id FROM verification_codes WHERE contact = $1 AND code_hash = $2 AND expires_at > clock_now() AND used_at IS NULL LIMIT 1)
           RETURNING id
         ), verified AS (
           INSERT INTO verified_contacts (contact) SELECT $1 FROM used ON CONFLICT (contact) DO UPDATE SET verified_at = clock_now()
         ), cleared AS (
           UPDATE verification_attempts SET failures = 0, window_start = clock_now(), locked_until = NULL
           WHERE contact = $1 AND EXISTS (SELECT 1 FROM used)
         )
         SELECT EXISTS (SELECT 1 FROM used) AS used`,
  values: [contact, codeHash],
});

export const lockContact = (contact: string, minutes: number): Sql => ({
  text: `UPDATE verification_attempts SET failures = 0, window_start = clock_now(), locked_until = clock_now() + make_interval(mins => $2) WHERE contact = $1`,
  values: [contact, minutes],
});

export const countFailure = (contact: string, failures: number, newWindow: boolean): Sql => ({
  text: `UPDATE verification_attempts SET failures = $2, window_start = CASE WHEN $3 THEN clock_now() ELSE window_start END WHERE contact = $1`,
  values: [contact, failures, newWindow],
});

export const verifiedSince = (contacts: string[], days: number): Sql => ({
  text: `SELECT DISTINCT contact FROM verified_contacts WHERE contact = ANY($1) AND verified_at > clock_now() - make_interval(days => $2)`,
  values: [contacts, days],
});

/** Staff's changed message texts, all languages (the nodes' copy is reloaded from this). */
export const changedTexts = (): Sql => ({
  text: `SELECT lang, key, text, updated_at AS "updatedAt", updated_by AS "updatedBy" FROM message_texts ORDER BY lang, key`,
  values: [],
});

export const saveText = (lang: string, key: string, text: string, by: string): Sql => ({
  text: `INSERT INTO message_texts (lang, key, text, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (lang, key) DO UPDATE SET text = EXCLUDED.text, updated_by = EXCLUDED.updated_by, updated_at = clock_now()`,
  values: [lang, key, text, by],
});

export const dropText = (lang: string, key: string): Sql => ({
  text: `DELETE FROM message_texts WHERE lang = $1 AND key = $2 RETURNING text`,
  values: [lang, key],
});
