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

/** The console's text of a page in a language and in German (the fallback), newest first. */
export const pageTexts = (name: string, lang: string): Sql => ({
  text: `SELECT lang, markdown, updated_at AS "updatedAt", updated_by AS "updatedBy" FROM page_texts WHERE name = $1 AND lang IN ($2, 'de')`,
  values: [name, lang],
});

export const savePageText = (name: string, lang: string, markdown: string, by: string): Sql => ({
  text: `INSERT INTO page_texts (name, lang, markdown, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name, lang) DO UPDATE SET markdown = EXCLUDED.markdown, updated_by = EXCLUDED.updated_by, updated_at = clock_now()
         RETURNING updated_at AS "updatedAt"`,
  values: [name, lang, markdown, by],
});

export const deletePageText = (name: string, lang: string): Sql => ({
  text: `DELETE FROM page_texts WHERE name = $1 AND lang = $2 RETURNING markdown`,
  values: [name, lang],
});
