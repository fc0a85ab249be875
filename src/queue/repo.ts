import { freeFor } from '../capacity/sql.js';
import type { Sql } from '../db/pool.js';

/** Statements of the waiting room. */

export const createRoom = (releaseId: number, prequeueMinutes: number, seed: Buffer, seedHash: string): Sql => ({
  text: `INSERT INTO waiting_rooms (release_id, prequeue_opens_at, seed, seed_hash)
         SELECT id, opens_at - make_interval(mins => $2), $3, $4 FROM releases WHERE id = $1`,
  values: [releaseId, prequeueMinutes, seed, seedHash],
});

export interface RoomRow {
  release_id: number;
  campaign_id: number;
  state: 'scheduled' | 'open' | 'paused' | 'sold_out' | 'closed';
  opens_at: Date;
  prequeue_opens_at: Date;
  seed_hash: string;
  seed: string | null;
  prequeue_count: number;
  live_count: number;
  admitted_total: number;
  target_active: number;
  max_admissions_per_second: number;
  admission_window_seconds: number;
  difficulty: number;
  hold_p95_limit_ms: number;
}

const ROOM_FIELDS = `w.release_id, r.campaign_id, w.state, r.opens_at, w.prequeue_opens_at, w.seed_hash,
  CASE WHEN w.seed_revealed THEN encode(w.seed, 'hex') END AS seed, w.prequeue_count, w.live_count,
  w.admitted_total, w.target_active, w.max_admissions_per_second, w.admission_window_seconds, w.difficulty,
  w.hold_p95_limit_ms`;

export const rooms = (): Sql => ({
  text: `SELECT ${ROOM_FIELDS} FROM waiting_rooms w JOIN releases r ON r.id = w.release_id WHERE w.state <> 'closed'`,
  values: [],
});

export const room = (releaseId: number): Sql => ({
  text: `SELECT ${ROOM_FIELDS} FROM waiting_rooms w JOIN releases r ON r.id = w.release_id WHERE w.release_id = $1`,
  values: [releaseId],
});

export interface NewTicket {
  id: string;
  resumeCode: string;
  challengeId: string;
}

/**
 * Writes a batch of joins in one statement (its own transaction, so the room row is locked
 * only while the statement runs and commits, never across a round trip to a busy node).
 * The room row numbers the batch: before the release instant (by the database clock, and
 * only while the pre-queue is not yet drawn) the joins count into the pre-queue; from the
 * instant on they take the next places after it. The pre-queue count is frozen at the
 * instant, so live places never collide with drawn ones. Nothing is written (no row
 * returned) before the pre-queue opens and once the room is sold out or closed; a reused
 * challenge makes the whole statement fail on its unique index.
 */
export const joinTickets = (releaseId: number, tickets: NewTicket[]): Sql => ({
  // The phase is computed in the UPDATE's RETURNING, on the locked, latest row version (not
  // in a SELECT, whose snapshot could predate the draw), so a join that waited behind the
  // opening counts as live.
  text: `WITH claim AS (
           UPDATE waiting_rooms w SET
             prequeue_count = prequeue_count + CASE WHEN NOT w.seed_revealed AND clock_now() < r.opens_at THEN $2 ELSE 0 END,
             live_count = live_count + CASE WHEN NOT w.seed_revealed AND clock_now() < r.opens_at THEN 0 ELSE $2 END
           FROM releases r
           WHERE w.release_id = $1 AND r.id = w.release_id AND w.state IN ('scheduled', 'open', 'paused')
             AND w.prequeue_opens_at <= clock_now()
           RETURNING NOT w.seed_revealed AND clock_now() < r.opens_at AS pre, w.prequeue_count + w.live_count - $2 AS before
         )
         INSERT INTO queue_tickets (id, release_id, phase, idx, resume_code, challenge_id)
         SELECT t.id, $1, CASE WHEN c.pre THEN 'pre' ELSE 'live' END, CASE WHEN c.pre THEN NULL ELSE c.before + t.n END, t.code, t.challenge
         FROM claim c, unnest($3::uuid[], $4::text[], $5::text[]) WITH ORDINALITY AS t(id, code, challenge, n)
         RETURNING id, phase, idx`,
  values: [releaseId, tickets.length, tickets.map((t) => t.id), tickets.map((t) => t.resumeCode), tickets.map((t) => t.challengeId)],
});

export interface TicketChange {
  id: string;
  idx: number | null;
  phase: 'pre' | 'live';
  state: string;
  /** When its admission ends, in ms since the epoch (a number: no Date parsed for each of a rush's rows). */
  admission_expires_ms: number | null;
  /** When it last changed, in ms since the epoch. */
  changed_ms: number;
  /** Grows with every change of this ticket (a bigint, as text). */
  version: string;
}

/** A TicketChange's columns, its times as ms since the epoch. */
const CHANGE_COLUMNS = `id, idx, phase, state, floor(extract(epoch FROM admission_expires_at) * 1000)::float8 AS admission_expires_ms,
  floor(extract(epoch FROM changed_at) * 1000)::float8 AS changed_ms, version`;

/** Tickets that changed since `since` (the caller re-reads a window, so late commits are not missed). */
export const ticketChanges = (releaseId: number, since: Date): Sql => ({
  text: `SELECT ${CHANGE_COLUMNS}
         FROM queue_tickets WHERE release_id = $1 AND changed_at > $2 ORDER BY changed_at`,
  values: [releaseId, since],
});

/** A ticket change with the snapshot its read saw; a read that found nothing is one row with a null id. */
export type SeenTicketChange = (TicketChange | { [K in keyof TicketChange]: null }) & { snapshot: string };

/**
 * The leader's read of a room's changes: the tickets changed since `since` that its previous read, which saw the
 * snapshot `previous` (a pg_snapshot; null: no read yet), could not see because the transaction that wrote them had
 * not committed then. So each change is read once, when it has committed, and not again by every read whose window
 * it lies in; a late commit (stamped before changes already read) is read all the same, if it is stamped within the
 * window. Every row carries this read's own snapshot, for the next read; one that found nothing is a row with a null id.
 *
 * A row version's `xmin` keeps the low 32 bits of the transaction that wrote it; its 64-bit id is the one with those
 * bits nearest the snapshot's xmax. Tickets are never written in a subtransaction (a savepoint): a snapshot lists
 * the top-level transactions in progress only, so pg_visible_in_snapshot would take a subtransaction's row for seen.
 */
export const ticketChangesUnseen = (releaseId: number, since: Date, previous: string | null): Sql => ({
  text: `WITH now AS (SELECT pg_current_snapshot() AS snapshot)
         SELECT t.*, now.snapshot::text AS snapshot FROM now LEFT JOIN LATERAL (
           SELECT ${CHANGE_COLUMNS}
           FROM queue_tickets q
           WHERE release_id = $1 AND changed_at > $2
             AND ($3::pg_snapshot IS NULL OR NOT pg_visible_in_snapshot(
                   (pg_snapshot_xmax($3::pg_snapshot)::text::bigint
                    + (q.xmin::text::bigint - pg_snapshot_xmax($3::pg_snapshot)::text::bigint % 4294967296 + 6442450944) % 4294967296
                    - 2147483648)::text::xid8,
                   $3::pg_snapshot))
           ORDER BY changed_at
         ) t ON true`,
  values: [releaseId, since, previous],
});

// --- pages of changes: read once by the leader, shared by every node ------------------

export const insertChangePage = (releaseId: number, upto: Date, entries: number, body: Buffer): Sql => ({
  text: `INSERT INTO queue_change_pages (release_id, upto, entries, body) VALUES ($1, $2, $3, $4)`,
  values: [releaseId, upto, entries, body],
});

/** Where the last page of a room ended: a new leader goes on from there. */
export const lastPageEnd = (releaseId: number): Sql => ({
  text: `SELECT upto FROM queue_change_pages WHERE release_id = $1 ORDER BY seq DESC LIMIT 1`,
  values: [releaseId],
});

export interface ChangePageRow {
  seq: string;
  release_id: number;
  body: Buffer;
}

export const changePagesAfter = (seq: string, limit: number): Sql => ({
  text: `SELECT seq, release_id, body FROM queue_change_pages WHERE seq > $1 ORDER BY seq LIMIT $2`,
  values: [seq, limit],
});

export const lastPageSeq = (): Sql => ({
  text: `SELECT coalesce(max(seq), 0)::text AS seq FROM queue_change_pages`,
  values: [],
});

/** Pages older than a node may lag behind go; each room keeps its last one (a new leader's starting point). */
export const pruneChangePages = (keepSeconds: number): Sql => ({
  text: `DELETE FROM queue_change_pages p WHERE written_at < clock_now() - make_interval(secs => $1)
           AND seq < (SELECT max(seq) FROM queue_change_pages q WHERE q.release_id = p.release_id)`,
  values: [keepSeconds],
});

/**
 * Records that these tickets still poll; skipped ones that poll again return to their place.
 * Rows another transaction has locked (a hold or a booking at work on that admission) are
 * passed over rather than waited for, so this statement never queues behind them nor they
 * behind it for long; the ids it wrote come back.
 */
export const touchTickets = (ids: string[]): Sql => ({
  text: `WITH free AS (
           SELECT id FROM queue_tickets WHERE id = ANY($1::uuid[]) AND state IN ('waiting', 'skipped', 'admitted')
           ORDER BY id FOR NO KEY UPDATE SKIP LOCKED
         )
         UPDATE queue_tickets t SET last_seen_at = clock_now(),
           state = CASE WHEN t.state = 'skipped' THEN 'waiting' ELSE t.state END,
           changed_at = CASE WHEN t.state = 'skipped' THEN clock_now() ELSE t.changed_at END
         FROM free WHERE t.id = free.id
         RETURNING t.id`,
  values: [ids],
});

export interface TicketRow {
  id: string;
  release_id: number;
  phase: 'pre' | 'live';
  idx: number | null;
  state: string;
  person_hash: Buffer | null;
  resume_code: string;
  admission_expires_at: Date | null;
  admission_live: boolean;
}

const TICKET_FIELDS = `id, release_id, phase, idx, state, person_hash, resume_code, admission_expires_at,
  (state = 'admitted' AND admission_expires_at > clock_now()) AS admission_live`;

export const ticketById = (id: string, lock = false): Sql => ({
  text: `SELECT ${TICKET_FIELDS} FROM queue_tickets WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
  values: [id],
});

export const ticketByResumeCode = (code: string): Sql => ({
  text: `SELECT ${TICKET_FIELDS} FROM queue_tickets WHERE resume_code = $1`,
  values: [code],
});

/**
 * Binding a person is serialised per person and line: two tabs binding the same person to two
 * places at once would each find no other place, and the second would hit the unique index.
 * Under this lock the second one finds the first's place and the worse of the two is dropped.
 */
export const lockPersonInLine = (releaseId: number, personHash: Buffer): Sql => ({
  text: `SELECT pg_advisory_xact_lock(hashtextextended(encode($2::bytea, 'hex') || ':' || $1::text, 8249002))`,
  values: [releaseId, personHash],
});

export const ticketOfPerson = (releaseId: number, personHash: Buffer, exceptId: string): Sql => ({
  text: `SELECT ${TICKET_FIELDS} FROM queue_tickets
         WHERE release_id = $1 AND person_hash = $2 AND id <> $3 AND state IN ('waiting', 'admitted', 'skipped')
         FOR UPDATE`,
  values: [releaseId, personHash, exceptId],
});

/**
 * Takes a batch of tickets out of the line, one statement: those still in it (waiting, admitted, skipped) become
 * `left`; a ticket already used, dropped, lapsed or left keeps its state. Every ticket found comes back with the
 * state it has now.
 */
export const leaveTickets = (ids: string[]): Sql => ({
  text: `WITH t AS (SELECT id, state FROM queue_tickets WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE),
         gone AS (
           UPDATE queue_tickets q SET state = 'left', changed_at = clock_now() FROM t
           WHERE q.id = t.id AND t.state IN ('waiting', 'admitted', 'skipped') RETURNING q.id
         )
         SELECT t.id, CASE WHEN gone.id IS NULL THEN t.state ELSE 'left' END AS state FROM t LEFT JOIN gone ON gone.id = t.id`,
  values: [ids],
});

export const setTicketState = (id: string, state: string): Sql => ({
  text: `UPDATE queue_tickets SET state = $2, changed_at = clock_now() WHERE id = $1`,
  values: [id, state],
});

/**
 * Binds each person to their active ticket, a batch in one statement, where no other active ticket of theirs is
 * in the line (the usual case). The tickets bound come back; the others are not active or the person has another
 * place. A 23505 from queue_one_place_per_person when a bind of the same person committed meanwhile.
 */
export const bindPeopleAlone = (binds: { ticketId: string; hash: Buffer }[]): Sql => ({
  text: `UPDATE queue_tickets t SET person_hash = b.hash
         FROM unnest($1::uuid[], $2::bytea[]) AS b(id, hash)
         WHERE t.id = b.id AND t.state IN ('waiting', 'admitted', 'skipped')
           AND NOT EXISTS (SELECT 1 FROM queue_tickets o
                           WHERE o.release_id = t.release_id AND o.person_hash = b.hash AND o.id <> t.id
                             AND o.state IN ('waiting', 'admitted', 'skipped'))
         RETURNING t.id`,
  values: [binds.map((b) => b.ticketId), binds.map((b) => b.hash)],
});

export const bindPerson = (id: string, personHash: Buffer): Sql => ({
  text: `UPDATE queue_tickets SET person_hash = $2 WHERE id = $1`,
  values: [id, personHash],
});

/** Marks the admissions used by confirmed bookings. */
export const useAdmissions = (ticketIds: string[]): Sql => ({
  text: `UPDATE queue_tickets SET state = 'used', changed_at = clock_now() WHERE id = ANY($1::uuid[]) AND state IN ('admitted', 'lapsed')`,
  values: [ticketIds],
});

// --- the admission controller -------------------------------------------------------

/** Locks the room for the controller's step; join batches wait behind it. */
/**
 * The controller's lock on a room for one step: joins, operators and another controller wait, but not a row that
 * only refers to the room (a new ticket, the changes publisher's page), whose foreign key check needs KEY SHARE.
 */
export const lockRoom = (releaseId: number): Sql => ({
  text: `SELECT ${ROOM_FIELDS}, clock_now() >= r.opens_at AS due, w.seed_revealed AS drawn FROM waiting_rooms w JOIN releases r ON r.id = w.release_id
         WHERE w.release_id = $1 FOR NO KEY UPDATE OF w`,
  values: [releaseId],
});

export const preQueueTickets = (releaseId: number): Sql => ({
  text: `SELECT id FROM queue_tickets WHERE release_id = $1 AND phase = 'pre' AND state IN ('waiting', 'skipped')`,
  values: [releaseId],
});

export const placePreTickets = (ids: string[], places: number[]): Sql => ({
  text: `UPDATE queue_tickets t SET idx = p.idx, changed_at = clock_now()
         FROM unnest($1::uuid[], $2::int[]) AS p(id, idx) WHERE t.id = p.id`,
  values: [ids, places],
});

export const openRoom = (releaseId: number): Sql => ({
  text: `UPDATE waiting_rooms SET state = CASE WHEN state = 'paused' THEN 'paused' ELSE 'open' END,
           seed_revealed = true, opened_at = clock_now(), updated_at = clock_now()
         WHERE release_id = $1`,
  values: [releaseId],
});

/** Admissions not used within their window end; their places in the active budget go to the next people. */
export const lapseAdmissions = (releaseId: number): Sql => ({
  text: `UPDATE queue_tickets SET state = 'lapsed', changed_at = clock_now()
         WHERE release_id = $1 AND state = 'admitted' AND admission_expires_at <= clock_now()`,
  values: [releaseId],
});

/**
 * Open admissions, and how many of them were let in within the last `graceSeconds` and hold nothing
 * yet: they will still want a unit. Someone admitted longer ago without a hold has most likely left;
 * they may still hold while their window lasts, but no longer keep others waiting.
 */
export interface AdmissionRoom {
  /** First-dose units the public line can still get; units kept for the wait list or the phone do not count. */
  free: number;
  /** Units held now (they may come back). */
  held: number;
  /** Admissions not yet used or lapsed. */
  active: number;
  /** Of those, people admitted within the grace period who hold nothing yet: each will want a free unit. */
  wanting: number;
}

/**
 * The room's capacity and its admitted people, read in one statement: one snapshot, so a hold that
 * commits meanwhile is counted either as held-and-not-wanting or as free-and-wanting, never as both
 * free and not wanting (which admitted one person too many).
 */
export const admissionRoom = (releaseId: number, graceSeconds: number): Sql => ({
  text: `SELECT (SELECT COALESCE(sum(${freeFor('public')}), 0)::int
                 FROM slots s JOIN releases r ON r.id = s.release_id
                 WHERE s.release_id = $1 AND s.dose = 1 AND s.starts_at > clock_now()) AS free,
                (SELECT count(*)::int FROM holds h JOIN slots s2 ON s2.id = h.slot_id
                 WHERE s2.release_id = $1 AND h.status = 'held') AS held,
                a.active, a.wanting
         FROM (SELECT count(*)::int AS active,
                      count(*) FILTER (WHERE t.admitted_at > clock_now() - make_interval(secs => $2)
                                         AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.ticket_id = t.id AND h.status = 'held'))::int AS wanting
               FROM queue_tickets t WHERE t.release_id = $1 AND t.state = 'admitted') a`,
  values: [releaseId, graceSeconds],
});

export const setRoomState = (releaseId: number, state: RoomRow['state']): Sql => ({
  text: `UPDATE waiting_rooms SET state = $2, updated_at = clock_now(),
           sold_out_at = CASE WHEN $2 = 'sold_out' THEN clock_now() ELSE sold_out_at END
         WHERE release_id = $1 AND state <> $2`,
  values: [releaseId, state],
});

/**
 * Admits the next `n` waiting people in order of place. Anyone among them who has not
 * been seen for `staleSeconds` is skipped instead (they return to their place if they
 * poll again).
 */
export const admitNext = (releaseId: number, n: number, staleSeconds: number, windowSeconds: number): Sql => ({
  text: `WITH front AS (
           SELECT id, last_seen_at < clock_now() - make_interval(secs => $3) AS stale FROM queue_tickets
           WHERE release_id = $1 AND state = 'waiting' AND idx IS NOT NULL
           ORDER BY idx LIMIT $2 FOR UPDATE SKIP LOCKED
         )
         UPDATE queue_tickets t SET
           state = CASE WHEN f.stale THEN 'skipped' ELSE 'admitted' END,
           admitted_at = CASE WHEN f.stale THEN NULL ELSE clock_now() END,
           admission_expires_at = CASE WHEN f.stale THEN NULL ELSE clock_now() + make_interval(secs => $4) END,
           changed_at = clock_now()
         FROM front f WHERE t.id = f.id
         RETURNING t.state`,
  values: [releaseId, n, staleSeconds, windowSeconds],
});

export const countAdmitted = (releaseId: number, n: number): Sql => ({
  text: `UPDATE waiting_rooms SET admitted_total = admitted_total + $2 WHERE release_id = $1`,
  values: [releaseId, n],
});

export const recentHoldLatency = (): Sql => ({
  text: `SELECT COALESCE(max(hold_p95_ms), 0)::real AS p95, COALESCE(sum(errors), 0)::int AS errors, COALESCE(sum(holds), 0)::int AS holds
         FROM node_stats WHERE reported_at > clock_now() - interval '5 seconds'`,
  values: [],
});

export const reportNodeStats = (nodeId: string, p95: number, holds: number, errors: number): Sql => ({
  text: `INSERT INTO node_stats (node_id, hold_p95_ms, holds, errors, reported_at) VALUES ($1, $2, $3, $4, clock_now())
         ON CONFLICT (node_id) DO UPDATE SET hold_p95_ms = $2, holds = $3, errors = $4, reported_at = clock_now()`,
  values: [nodeId, p95, holds, errors],
});

export interface RoomSettings {
  targetActive?: number;
  maxAdmissionsPerSecond?: number;
  admissionWindowSeconds?: number;
  difficulty?: number;
  holdP95LimitMs?: number;
}

export const updateRoomSettings = (releaseId: number, s: RoomSettings): Sql => ({
  text: `UPDATE waiting_rooms SET
           target_active = COALESCE($2, target_active),
           max_admissions_per_second = COALESCE($3, max_admissions_per_second),
           admission_window_seconds = COALESCE($4, admission_window_seconds),
           difficulty = COALESCE($5, difficulty),
           hold_p95_limit_ms = COALESCE($6, hold_p95_limit_ms),
           updated_at = clock_now()
         WHERE release_id = $1 RETURNING release_id`,
  values: [
    releaseId,
    s.targetActive ?? null,
    s.maxAdmissionsPerSecond ?? null,
    s.admissionWindowSeconds ?? null,
    s.difficulty ?? null,
    s.holdP95LimitMs ?? null,
  ],
});

/**
 * Pause, resume and close by operators. A room resumed before its release instant goes
 * back to 'scheduled': only the controller opens a room, and only at the instant.
 */
export const operatorTransition = (releaseId: number, from: RoomRow['state'][], to: RoomRow['state']): Sql => ({
  text: `UPDATE waiting_rooms SET state = CASE WHEN $3 = 'open' AND NOT seed_revealed THEN 'scheduled' ELSE $3 END, updated_at = clock_now()
         WHERE release_id = $1 AND state = ANY($2) RETURNING state`,
  values: [releaseId, from, to],
});

/** The room's secret seed (the draw, and which of two places is better before it is revealed). */
export const roomSeed = (releaseId: number): Sql => ({
  text: 'SELECT seed FROM waiting_rooms WHERE release_id = $1',
  values: [releaseId],
});

/** The pre-queue in drawn order (after opening). */
export const drawnPreQueue = (releaseId: number): Sql => ({
  text: `SELECT id FROM queue_tickets WHERE release_id = $1 AND phase = 'pre' AND idx IS NOT NULL ORDER BY idx`,
  values: [releaseId],
});

// The keys that sign tickets and admission tokens (queue/signing.ts).

/** A first key, unless a live one exists (nodes starting together make one between them). */
export const ensureSigningKey = (secret: Buffer): Sql => ({
  text: `INSERT INTO signing_keys (secret) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM signing_keys WHERE retired_at IS NULL)`,
  values: [secret],
});

export const liveSigningKeys = (): Sql => ({
  text: 'SELECT kid, secret FROM signing_keys WHERE retired_at IS NULL ORDER BY kid DESC',
  values: [],
});

export const addSigningKey = (secret: Buffer): Sql => ({
  text: 'INSERT INTO signing_keys (secret) VALUES ($1) RETURNING kid',
  values: [secret],
});

/** Retires a key, never the last live one. */
export const retireSigningKey = (kid: number): Sql => ({
  text: `UPDATE signing_keys SET retired_at = clock_now() WHERE kid = $1 AND retired_at IS NULL
           AND EXISTS (SELECT 1 FROM signing_keys WHERE retired_at IS NULL AND kid <> $1)`,
  values: [kid],
});
