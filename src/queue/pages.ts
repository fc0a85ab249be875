import { promisify } from 'node:util';
import { gunzip, gzip, constants } from 'node:zlib';
import type { TicketChange } from './repo.js';

/**
 * One ticket's change as a node's view applies it, whether read from the tickets themselves or from a
 * page of changes the leader shared: plain numbers, no Date per ticket.
 */
export interface Change {
  id: string;
  /** Its place in line; null for a pre-queue ticket before the draw. */
  idx: number | null;
  pre: boolean;
  state: string;
  admissionExpiresAt: number | null;
  changedAt: number;
  version: number;
}

export function changeOf(row: TicketChange): Change {
  return {
    id: row.id,
    idx: row.idx,
    pre: row.phase === 'pre',
    state: row.state,
    admissionExpiresAt: row.admission_expires_ms,
    changedAt: row.changed_ms,
    version: Number(row.version),
  };
}

/** A page's entry: [id, idx, pre (1/0), state, admission expires (ms), changed (ms), version]. */
type Entry = [string, number | null, 0 | 1, string, number | null, number, number];

const zip = promisify(gzip);
const unzip = promisify(gunzip);

/** A page as stored: JSON, gzipped quickly on the thread pool (the ids are most of it and compress to half). */
export async function encodePage(changes: Change[]): Promise<Buffer> {
  const entries: Entry[] = changes.map((c) => [c.id, c.idx, c.pre ? 1 : 0, c.state, c.admissionExpiresAt, c.changedAt, c.version]);
  return zip(JSON.stringify(entries), { level: constants.Z_BEST_SPEED });
}

export async function decodePage(body: Buffer): Promise<Change[]> {
  const entries = JSON.parse((await unzip(body)).toString('utf8')) as Entry[];
  return entries.map(([id, idx, pre, state, admissionExpiresAt, changedAt, version]) => ({
    id,
    idx,
    pre: pre === 1,
    state,
    admissionExpiresAt,
    changedAt,
    version,
  }));
}

/**
 * Late commits: a ticket change stamped at time T may commit a moment after a reader has seen changes
 * stamped after T. Whoever reads the tickets therefore re-reads this window; versions make a change
 * learnt twice harmless.
 */
export const LATE_COMMIT_MS = 3_000;
