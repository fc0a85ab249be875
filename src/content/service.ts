import { run, tx, type Db } from '../db/pool.js';
import { fail } from '../errors.js';
import type { Actor } from '../staff/auth.js';
import { audit } from '../staff/audit.js';
import * as sql from './repo.js';
import { renderPage, type ContentPages, type PageName, type RenderedPage } from './pages.js';
import type { Clock } from '../time/clock.js';
import type { Language } from '../languages.js';

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

interface PageText {
  lang: string;
  markdown: string;
  updatedAt: Date;
  updatedBy: string;
}

/** How long a node serves a page's console text before it looks again: an edit shows on every node within this. */
const PAGE_TEXT_TTL_MS = 5_000;

/**
 * The legal pages as citizens get them and staff edit them: the console's text in the asked language,
 * else the operator's file or the template in it, else the console's German, else the German file.
 * Without its database a node still serves the files.
 */
export function legalPages(db: Db, files: ContentPages, clock: Clock) {
  const cache = new Map<string, { until: number; rows: PageText[] }>();
  const rendered = new Map<string, RenderedPage>();

  async function edited(name: PageName, lang: string): Promise<PageText[]> {
    const key = `${name}|${lang}`;
    const hit = cache.get(key);
    if (hit && hit.until > clock.now()) return hit.rows;
    let rows: PageText[];
    try {
      rows = (await run(db, sql.pageTexts(name, lang))).rows as PageText[];
    } catch {
      rows = hit?.rows ?? []; // the database is away: the last known texts, else the files
    }
    cache.set(key, { until: clock.now() + PAGE_TEXT_TTL_MS, rows });
    return rows;
  }

  const render = (name: PageName, text: PageText): RenderedPage => {
    const key = `${name}|${text.lang}|${text.updatedAt.getTime()}`;
    let page = rendered.get(key);
    if (!page) rendered.set(key, (page = renderPage(name, text.lang, text.markdown)));
    return files.withVideos(page);
  };

  return {
    async page(name: PageName, lang: string): Promise<RenderedPage | undefined> {
      const rows = await edited(name, lang);
      const own = rows.find((r) => r.lang === lang);
      if (own) return render(name, own);
      const file = files.page(name, lang);
      if (file && file.lang === lang) return file;
      const german = rows.find((r) => r.lang === 'de');
      return german ? render(name, german) : file;
    },

    /** What the editor shows: the console's text if there is one, else the file's, and where it comes from. */
    async source(name: PageName, lang: Language) {
      const own = ((await run(db, sql.pageTexts(name, lang))).rows as PageText[]).find((r) => r.lang === lang);
      if (own) return { name, lang, markdown: own.markdown, from: 'console' as const, updatedAt: own.updatedAt, updatedBy: own.updatedBy };
      const file = files.source(name, lang);
      return { name, lang, markdown: file?.markdown ?? '', from: file?.lang === lang ? ('file' as const) : ('none' as const) };
    },

    async save(by: Actor, name: PageName, lang: Language, markdown: string) {
      await tx(db, async (q) => {
        const before = ((await run(q, sql.pageTexts(name, lang))).rows as PageText[]).find((r) => r.lang === lang);
        await run(q, sql.savePageText(name, lang, markdown, by.actor));
        await audit(q, by, 'edit page', { target: { page: name, lang }, before: before ? { markdown: before.markdown } : null, after: { markdown } });
      });
      cache.delete(`${name}|${lang}`);
      return this.source(name, lang);
    },

    async reset(by: Actor, name: PageName, lang: Language) {
      await tx(db, async (q) => {
        const removed = (await run(q, sql.deletePageText(name, lang))).rows[0] as { markdown: string } | undefined;
        if (!removed) fail('NOT_FOUND', 'This page has no text from the console in this language.');
        await audit(q, by, 'reset page', { target: { page: name, lang }, before: { markdown: removed!.markdown }, after: null });
      });
      cache.delete(`${name}|${lang}`);
      return this.source(name, lang);
    },

    /** The page as it would look, from Markdown not yet saved (rendered as citizens would get it). */
    preview: (name: PageName, lang: Language, markdown: string) => renderPage(name, lang, markdown),
  };
}

export type LegalPages = ReturnType<typeof legalPages>;
