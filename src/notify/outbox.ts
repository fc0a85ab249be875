import { run, tx, type Db } from '../db/pool.js';
import { fail } from '../errors.js';
import type { Actor } from '../staff/auth.js';
import { audit } from '../staff/audit.js';
import * as sql from './repo.js';

/** What staff see of the outbox and may do with it: read messages and the backlog, send a dead letter again. */
export function outboxService(db: Db) {
  return {
    messages: async (filter: sql.MessageFilter) => (await run(db, sql.listMessages(filter))).rows,

    /** A failed message is queued again, audited in the same transaction. */
    async retry(by: Actor, id: number) {
      await tx(db, async (q) => {
        const res = await run(q, sql.retryFailed(id));
        if (res.rowCount === 0) fail('NOT_FOUND', 'No failed message with this id.');
        await audit(q, by, 'retry dead letter', { target: { messageId: id }, before: { state: 'failed' }, after: { state: 'queued' } });
      });
      return { id, state: 'queued' as const };
    },

    async backlog() {
      const [backlog, codeAge] = await Promise.all([run(db, sql.backlog()), run<{ seconds: number }>(db, sql.oldestCodeAge())]);
      return { backlog: backlog.rows, oldestCodeSeconds: codeAge.rows[0]!.seconds };
    },
  };
}
