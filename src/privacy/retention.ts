import type { Logger } from 'pino';
import { run, type Db, type Sql } from '../db/pool.js';
import type { PeriodicTask } from '../jobs/leader.js';
import * as sql from './repo.js';

/** Rows per statement: small enough that a batch holds its row locks for milliseconds during a rush. */
const BATCH = 500;
/** Batches per table and run; the rest waits a minute. */
const MAX_BATCHES = 20;
/** Message texts and verification codes serve delivery and its questions; a week is enough for both. */
export const MESSAGE_DAYS = 7;

/**
 * Storage limitation, as a leader task once a minute: a booking's personal data goes `retentionDays`
 * after its last appointment (ANSTURM_RETENTION_DAYS), a wait-list entry's that long after its
 * campaign's last slot, message texts and recipients and verification codes a week after delivery
 * or expiry, a closed barrier report's contact after the retention days. Each table in batches, each
 * batch its own statement.
 */
export function retentionTask(db: Db, log: Logger, retentionDays: number): PeriodicTask {
  const steps: [string, (batch: number) => Sql][] = [
    ['bookings', (n) => sql.anonymiseBookings(retentionDays, n)],
    ['waitlist entries', (n) => sql.anonymiseWaitlistEntries(retentionDays, n)],
    ['messages', (n) => sql.eraseMessages(MESSAGE_DAYS, n)],
    ['verification codes', (n) => sql.deleteVerificationCodes(MESSAGE_DAYS, n)],
    ['verification attempts', (n) => sql.deleteVerificationAttempts(MESSAGE_DAYS, n)],
    ['verified contacts', (n) => sql.deleteVerifiedContacts(retentionDays, n)],
    ['barrier report contacts', (n) => sql.eraseBarrierReportContacts(retentionDays, n)],
    ['waiting-room bindings', (n) => sql.unbindQueueTickets(retentionDays, n)],
  ];
  return {
    name: 'retention',
    everyMs: 60_000,
    async run() {
      for (const [what, statement] of steps) {
        let done = 0;
        for (let i = 0; i < MAX_BATCHES; i++) {
          const n = (await run(db, statement(BATCH))).rowCount ?? 0;
          done += n;
          if (n < BATCH) break;
        }
        if (done > 0) log.info({ what, rows: done }, 'personal data past its retention erased');
      }
    },
  };
}
