import { run, tx, type Db } from '../db/pool.js';
import { fail } from '../errors.js';
import type { Actor } from '../staff/auth.js';
import { audit } from '../staff/audit.js';
import * as sql from './repo.js';

/** Barrier reports: written by anyone, read and closed by staff (each close audited with it). */
export function barrierReports(db: Db) {
  return {
    async report(input: { message: string; page?: string; contact?: string }) {
      const row = (await run(db, sql.insertFeedback({ page: input.page ?? '', message: input.message.trim(), contact: input.contact?.trim() || null })))
        .rows[0];
      return row as { id: number; createdAt: Date };
    },

    async list(state: 'new' | 'done' | null) {
      return { reports: (await run(db, sql.listFeedback(state))).rows };
    },

    async markDone(by: Actor, id: number) {
      await tx(db, async (q) => {
        if ((await run(q, sql.markFeedbackDone(id, by.actor))).rowCount !== 1) fail('NOT_FOUND', 'No open report with this id.');
        await audit(q, by, 'close barrier report', { target: { reportId: id }, before: { state: 'new' }, after: { state: 'done' } });
      });
      return { id, state: 'done' };
    },
  };
}

export type BarrierReports = ReturnType<typeof barrierReports>;
