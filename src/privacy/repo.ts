import type { Sql } from '../db/pool.js';

/**
 * Statements of the retention task. Each takes at most `batch` rows it can lock at once (SKIP LOCKED:
 * a row a booking or a sender is working on waits for the next run) and returns how many it did.
 * What is personal goes; what statistics count stays: the row, its campaign, slot, state and channel,
 * the year of birth and the first two digits of the postal code.
 */

const reducedPerson = (t: string) => `first_name = '', last_name = '', date_of_birth = date_trunc('year', ${t}.date_of_birth)::date,
  postal_code = left(${t}.postal_code, 2), email = NULL, phone = NULL, priority_group = NULL,
  identity_hash = sha256(convert_to(gen_random_uuid()::text, 'UTF8')), anonymised_at = clock_now()`;

/** Bookings whose last appointment (or cancellation) lies more than `days` back. */
export const anonymiseBookings = (days: number, batch: number): Sql => ({
  text: `WITH due AS (
           SELECT b.id FROM bookings b
           JOIN slots s ON s.id = b.slot_id LEFT JOIN slots s2 ON s2.id = b.second_slot_id
           WHERE b.anonymised_at IS NULL
             AND greatest(s.starts_at, s2.starts_at, b.cancelled_at) < clock_now() - make_interval(days => $1)
           ORDER BY b.id LIMIT $2 FOR UPDATE OF b SKIP LOCKED)
         UPDATE bookings b SET ${reducedPerson('b')} FROM due WHERE b.id = due.id`,
  values: [days, batch],
});

/**
 * Wait-list entries of a campaign that has ended: its last slot lies more than `days` back (a
 * campaign between releases keeps its list). An entry with an open offer waits for the offer's end.
 */
export const anonymiseWaitlistEntries = (days: number, batch: number): Sql => ({
  text: `WITH ended AS (
           SELECT campaign_id FROM slots GROUP BY campaign_id HAVING max(starts_at) < clock_now() - make_interval(days => $1)
         ), due AS (
           SELECT e.id FROM waitlist_entries e JOIN ended USING (campaign_id)
           WHERE e.anonymised_at IS NULL AND e.state <> 'offered'
           ORDER BY e.id LIMIT $2 FOR UPDATE OF e SKIP LOCKED)
         UPDATE waitlist_entries e SET ${reducedPerson('e')}, state = CASE WHEN e.state = 'waiting' THEN 'left' ELSE e.state END
         FROM due WHERE e.id = due.id`,
  values: [days, batch],
});

/** Messages delivered, failed for good or withdrawn more than `days` ago: recipient and text go, the record stays. */
export const eraseMessages = (days: number, batch: number): Sql => ({
  text: `WITH due AS (
           SELECT id FROM messages
           WHERE erased_at IS NULL AND state IN ('sent', 'failed', 'cancelled') AND created_at < clock_now() - make_interval(days => $1)
           ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
         UPDATE messages m SET recipient = '', subject = '', body_text = '', body_html = NULL, last_error = NULL, erased_at = clock_now()
         FROM due WHERE m.id = due.id`,
  values: [days, batch],
});

/** Verification codes expired more than `days` ago (only their hashes were kept), and the contacts' attempt counters. */
export const deleteVerificationCodes = (days: number, batch: number): Sql => ({
  text: `DELETE FROM verification_codes WHERE id IN (
           SELECT id FROM verification_codes WHERE expires_at < clock_now() - make_interval(days => $1) LIMIT $2 FOR UPDATE SKIP LOCKED)`,
  values: [days, batch],
});

export const deleteVerificationAttempts = (days: number, batch: number): Sql => ({
  text: `DELETE FROM verification_attempts WHERE contact IN (
           SELECT contact FROM verification_attempts
           WHERE window_start < clock_now() - make_interval(days => $1) AND (locked_until IS NULL OR locked_until < clock_now())
           LIMIT $2 FOR UPDATE SKIP LOCKED)`,
  values: [days, batch],
});

/** A waiting-room place bound to a person (one place per person) keeps the binding until its release is `days` past. */
export const unbindQueueTickets = (days: number, batch: number): Sql => ({
  text: `UPDATE queue_tickets SET person_hash = NULL WHERE id IN (
           SELECT t.id FROM queue_tickets t JOIN releases r ON r.id = t.release_id
           WHERE t.person_hash IS NOT NULL AND r.opens_at < clock_now() - make_interval(days => $1)
           LIMIT $2 FOR UPDATE OF t SKIP LOCKED)`,
  values: [days, batch],
});

/** A barrier report's contact serves the answer: it goes `days` after the report was closed. */
export const eraseBarrierReportContacts = (days: number, batch: number): Sql => ({
  text: `UPDATE barrier_reports SET contact = NULL WHERE id IN (
           SELECT id FROM barrier_reports WHERE contact IS NOT NULL AND state = 'done' AND done_at < clock_now() - make_interval(days => $1)
           LIMIT $2 FOR UPDATE SKIP LOCKED)`,
  values: [days, batch],
});

/** A confirmed contact is kept as long as the bookings it may serve. */
export const deleteVerifiedContacts = (days: number, batch: number): Sql => ({
  text: `DELETE FROM verified_contacts WHERE contact IN (
           SELECT contact FROM verified_contacts WHERE verified_at < clock_now() - make_interval(days => $1) LIMIT $2 FOR UPDATE SKIP LOCKED)`,
  values: [days, batch],
});

// A person's own data (GDPR art. 15 and 17), found through their booking.

/** The booking row as stored, without the keyed hash (which says nothing to a person). */
export const bookingRecord = (bookingId: number): Sql => ({
  text: `SELECT to_jsonb(b) - 'identity_hash' AS record, b.campaign_id, b.identity_hash FROM bookings b WHERE b.id = $1`,
  values: [bookingId],
});

export const messagesForPerson = (bookingId: number): Sql => ({
  text: `SELECT kind, channel, recipient, subject, body_text AS text, state, created_at AS "createdAt", sent_at AS "sentAt"
         FROM messages WHERE booking_id = $1 ORDER BY id`,
  values: [bookingId],
});

export const attendanceOf = (bookingId: number): Sql => ({
  text: `SELECT to_jsonb(a) - 'booking_id' AS record FROM attendance a WHERE booking_id = $1 ORDER BY dose`,
  values: [bookingId],
});

/** The same person's wait-list entries in the booking's campaign (they share the identity hash). */
export const waitlistOfPerson = (campaignId: number, identityHash: Buffer): Sql => ({
  text: `SELECT to_jsonb(e) - 'secret_hash' - 'identity_hash' AS record FROM waitlist_entries e WHERE campaign_id = $1 AND identity_hash = $2`,
  values: [campaignId, identityHash],
});

export const anonymiseBooking = (bookingId: number): Sql => ({
  text: `UPDATE bookings b SET ${reducedPerson('b')} WHERE b.id = $1`,
  values: [bookingId],
});

export const anonymiseWaitlistOfPerson = (campaignId: number, identityHash: Buffer): Sql => ({
  text: `UPDATE waitlist_entries e SET ${reducedPerson('e')}, state = CASE WHEN e.state = 'waiting' THEN 'left' ELSE e.state END
         WHERE campaign_id = $1 AND identity_hash = $2 AND e.state <> 'offered'`,
  values: [campaignId, identityHash],
});

/** Every message of the booking loses its text and recipient; one not yet sent is withdrawn. */
export const eraseMessagesOfBooking = (bookingId: number): Sql => ({
  text: `UPDATE messages SET state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END,
           recipient = '', subject = '', body_text = '', body_html = NULL, last_error = NULL, erased_at = clock_now()
         WHERE booking_id = $1`,
  values: [bookingId],
});
