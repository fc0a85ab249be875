import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Marked } from 'marked';

/** The legal and accessibility pages every public body's portal needs, by their path name. */
export const PAGES = [
  'impressum',
  'datenschutz',
  'barrierefreiheit',
  'leichte-sprache',
  'leichte-sprache-buchen',
  'leichte-sprache-warteraum',
  'leichte-sprache-absagen',
  'gebaerdensprache',
] as const;
export type PageName = (typeof PAGES)[number];

/** The safe default templates shipped with Ansturm (content/<lang>/<page>.md). */
const DEFAULTS = fileURLToPath(new URL('../../content/', import.meta.url));
/** German is the binding language; Leichte Sprache exists only in German. */
const FALLBACK = 'de';

export interface Video {
  title: string;
  /** File names in the content directory's videos/ folder. */
  file: string;
  captions: string;
}

export interface RenderedPage {
  name: PageName;
  /** The language the text is in (the asked one, or German where the operator gave no other). */
  lang: string;
  title: string;
  html: string;
  videos?: Video[];
}

/**
 * The operator's Markdown, rendered once per file version. Raw HTML in it is shown as text, not
 * run: a page can link and format, never bring a script or a frame from elsewhere.
 */
const markdown = new Marked({
  gfm: true,
  renderer: {
    html: ({ text }) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  },
  // Links go to web pages, mail, phone or this site; any other scheme (javascript:, data:) becomes a dead link.
  walkTokens: (token) => {
    if ((token.type === 'link' || token.type === 'image') && !/^(https?:|mailto:|tel:|\/|#)/i.test(token.href)) token.href = '#';
  },
});

/** A page's Markdown (first line `# Title`) as the page: its title and its HTML. */
export function renderPage(name: PageName, lang: string, source: string): RenderedPage {
  const title = /^#\s+(.+)$/m.exec(source)?.[1]?.trim() ?? name;
  const body = source.replace(/^#\s+.+$/m, '');
  return { name, lang, title, html: markdown.parse(body, { async: false }) };
}

/**
 * The legal pages: the operator's own files in `contentDir/<lang>/<page>.md` (ANSTURM_CONTENT_DIR),
 * else the shipped template; sign-language videos listed in `contentDir/videos.json`.
 */
export function contentPages(contentDir: string | undefined) {
  const cache = new Map<string, { mtimeMs: number; page: RenderedPage }>();

  function fileOf(name: PageName, lang: string): { path: string; lang: string } | undefined {
    for (const [dir, l] of [
      [contentDir, lang],
      [DEFAULTS, lang],
      [contentDir, FALLBACK],
      [DEFAULTS, FALLBACK],
    ] as const) {
      if (!dir) continue;
      const path = join(dir, l, `${name}.md`);
      if (existsSync(path)) return { path, lang: l };
    }
    return undefined;
  }

  function videos(): Video[] {
    const list = contentDir && join(contentDir, 'videos.json');
    if (!list || !existsSync(list)) return [];
    const parsed = JSON.parse(readFileSync(list, 'utf8')) as Video[];
    // Only plain file names: the files are served from videos/ and nothing else.
    return parsed.filter((v) => [v.file, v.captions].every((f) => typeof f === 'string' && /^[\w.-]+$/.test(f)) && typeof v.title === 'string');
  }

  const withVideos = (page: RenderedPage): RenderedPage => (page.name === 'gebaerdensprache' ? { ...page, videos: videos() } : page);

  return {
    page(name: PageName, lang: string): RenderedPage | undefined {
      const file = fileOf(name, lang);
      if (!file) return undefined;
      const { mtimeMs } = statSync(file.path);
      const cached = cache.get(file.path);
      let page = cached && cached.mtimeMs === mtimeMs ? cached.page : undefined;
      if (!page) {
        page = renderPage(name, file.lang, readFileSync(file.path, 'utf8'));
        cache.set(file.path, { mtimeMs, page });
      }
      return withVideos(page);
    },
    /** The Markdown a page is made from in a language (the operator's file or the template), for the console's editor. */
    source(name: PageName, lang: string): { markdown: string; lang: string } | undefined {
      const file = fileOf(name, lang);
      return file && { markdown: readFileSync(file.path, 'utf8'), lang: file.lang };
    },
    /** The sign-language page lists its videos, however its text came. */
    withVideos,
    /** Where the sign-language videos and their captions are served from (undefined: none). */
    videoDir: contentDir && existsSync(join(contentDir, 'videos')) ? join(contentDir, 'videos') : undefined,
  };
}

export type ContentPages = ReturnType<typeof contentPages>;
