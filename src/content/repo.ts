import type { Sql } from '../db/pool.js';

/** Statements for what citizens report about barriers (the accessibility statement's feedback form). */

export const insertFeedback = (f: { page: string; message: string; contact: string | null }): Sql => ({
  text: `INSERT INTO barrier_reports (page, message, contact) VALUES ($1, $2, $3) RETURNING id, created_at AS "createdAt"`,
  values: [f.page, f.message, f.contact],
});

export const listFeedback = (state: 'new' | 'done' | null): Sql => ({
  text: `SELECT id, created_at AS "createdAt", page, message, contact, state, done_at AS "doneAt", done_by AS "doneBy"
         FROM barrier_reports WHERE $1::text IS NULL OR state = $1 ORDER BY created_at DESC LIMIT 500`,
  values: [state],
});

export const markFeedbackDone = (id: number, by: string): Sql => ({
  text: `UPDATE barrier_reports SET state = 'done', done_at = clock_now(), done_by = $2 WHERE id = $1 AND state = 'new' RETURNING id`,
  values: [id, by],
});
