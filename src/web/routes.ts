import { INSTALLATION_ZONE } from '../time/zone.js';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Hotline } from '../catalog/hotline.js';
import type { Clock } from '../time/clock.js';
import Negotiator from 'negotiator';
import type { FastifyRequest } from 'fastify';
import { DEFAULT_LANGUAGE, isLanguage, LANGUAGES, type Language } from '../languages.js';

/** Where `npm run build` (scripts/build-web.ts) puts the citizen app; the same place from src/ and dist/. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../dist/public/', import.meta.url));

/** The app's own paths; each answers the same page and the script picks the view. */
export const PAGE_PATHS = [
  '/',
  '/suche',
  '/warteraum/:releaseId',
  '/warteraum/:releaseId/auslosung',
  '/termin',
  '/bestaetigung/:bookingCode',
  '/verwalten',
  '/angebot/:offerId',
  '/warteliste',
  '/impressum',
  '/datenschutz',
  '/barrierefreiheit',
  '/leichte-sprache',
  '/leichte-sprache/:page',
  '/gebaerdensprache',
];
/** The staff console (its own page and script; its data needs a login). */
export const STAFF_PATHS = ['/staff', '/staff/*'];

interface BuiltPage {
  plain: Buffer;
  br: Buffer;
  gzip: Buffer;
}

/** A built page in the encodings the build stored, or undefined when the app is not built. */
function loadPage(name: string): BuiltPage | undefined {
  const file = `${PUBLIC_DIR}${name}`;
  if (!existsSync(file)) return undefined;
  return { plain: readFileSync(file), br: readFileSync(`${file}.br`), gzip: readFileSync(`${file}.gz`) };
}

/**
 * The language a citizen's page is served in: the one the address asks for (?lang=), else the one
 * they chose before (the `lang` cookie the app sets), else the best of their browser's
 * Accept-Language, else German.
 */
export function pageLanguage(request: FastifyRequest): Language {
  const asked = (request.query as { lang?: unknown } | undefined)?.lang;
  if (isLanguage(asked)) return asked;
  const kept = /(?:^|;\s*)lang=([a-z]{2})(?:;|$)/.exec(String(request.headers.cookie ?? ''))?.[1];
  if (isLanguage(kept)) return kept;
  const accepted = new Negotiator(request).language([...LANGUAGES]);
  return isLanguage(accepted) ? accepted : DEFAULT_LANGUAGE;
}

/**
 * Nothing but this origin: no CDN, no fonts, no trackers. `data:` images for the QR code.
 * Scripts and styles only from files, so an injected string cannot run.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

const pageHeaders = (reply: FastifyReply) =>
  reply
    .header('cache-control', 'no-cache')
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8');

/**
 * Shown by the load shedder instead of a JSON error when a page itself cannot be served during a rush:
 * small, self-contained, reloading by itself, saying so in every language the app speaks.
 */
export const BUSY_PAGE = `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="refresh" content="5"><title>Bitte einen Moment Geduld – Ansturm</title></head>
<body style="font:1.1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a">
<h1>Bitte einen Moment Geduld</h1>
<p>Gerade versuchen sehr viele Menschen gleichzeitig, einen Termin zu buchen. Diese Seite lädt in wenigen Sekunden
von selbst neu. Sie müssen nichts tun; Ihr Platz in der Warteschlange bleibt erhalten.</p>
<p lang="en">Very many people are trying to book at this moment. This page reloads by itself in a few seconds; you need not
do anything, and your place in line is kept.</p>
<p lang="tr">Şu anda çok sayıda kişi aynı anda randevu almaya çalışıyor. Bu sayfa birkaç saniye içinde kendiliğinden
yenilenir. Bir şey yapmanız gerekmez; sıradaki yeriniz korunur.</p>
<p lang="ru">Сейчас очень много людей одновременно пытаются записаться. Страница обновится сама через несколько секунд.
Ничего делать не нужно, ваше место в очереди сохраняется.</p>
<p lang="uk">Зараз дуже багато людей одночасно намагаються записатися. Сторінка оновиться сама за кілька секунд.
Нічого робити не потрібно, ваше місце в черзі зберігається.</p>
<p lang="ar" dir="rtl">يحاول الآن عدد كبير جدًا من الناس الحجز في الوقت نفسه. ستُعاد هذه الصفحة تلقائيًا خلال ثوانٍ.
لا تحتاج إلى فعل أي شيء، ومكانك في الدور محفوظ.</p>
<p lang="pl">Bardzo wiele osób próbuje teraz jednocześnie zarezerwować termin. Ta strona odświeży się sama za kilka sekund.
Nie musisz nic robić, Twoje miejsce w kolejce zostaje zachowane.</p>
</body></html>`;

/** The citizen web app (built into dist/public) and the little it needs besides the booking API. */
export const webRoutes =
  (hotline: Hotline, clock: Clock): FastifyPluginAsync =>
  async (app) => {
    app.get(
      '/api/v1/info',
      {
        schema: {
          tags: ['booking'],
          summary: 'The hotline number and its opening hours, the installation’s time zone (of those hours and of release instants), and the server clock',
        },
      },
      async (_request, reply) =>
        // Never from a cache: pages measure their offset to the server's clock from `now`.
        reply.header('cache-control', 'no-store').send({ hotline, timeZone: INSTALLATION_ZONE, now: new Date(clock.now()).toISOString() }),
    );

    const citizen = Object.fromEntries(LANGUAGES.map((l) => [l, loadPage(`index.${l}.html`)])) as Record<Language, BuiltPage | undefined>;
    const staff = loadPage('staff.html');
    if (!citizen.de) app.log.warn({ dir: PUBLIC_DIR }, 'the web app is not built (npm run build); its pages answer 503');

    for (const [paths, pageFor] of [
      [PAGE_PATHS, (request: FastifyRequest) => citizen[pageLanguage(request)]],
      [STAFF_PATHS, () => staff],
    ] as const) {
      for (const path of paths) {
        app.get(path, { schema: { hide: true } }, async (request, reply) => {
          const page = pageFor(request);
          if (page === undefined) return reply.status(503).header('retry-after', '5').type('text/html; charset=utf-8').send(BUSY_PAGE);
          pageHeaders(reply).header('vary', 'accept-encoding, accept-language, cookie');
          const accepted = String(request.headers['accept-encoding'] ?? '');
          if (/\bbr\b/.test(accepted)) return reply.header('content-encoding', 'br').send(page.br);
          if (/\bgzip\b/.test(accepted)) return reply.header('content-encoding', 'gzip').send(page.gzip);
          return reply.send(page.plain);
        });
      }
    }

    if (existsSync(`${PUBLIC_DIR}assets`)) {
      // File names carry a content hash, so they can be cached for good (and by any CDN in front).
      await app.register(fastifyStatic, {
        root: `${PUBLIC_DIR}assets`,
        prefix: '/assets/',
        preCompressed: true,
        immutable: true,
        maxAge: '365d',
        // Named by content and cached for good: nothing to revalidate or resume, so no ETag,
        // Last-Modified or Accept-Ranges (bytes a slow line need not carry on every file).
        etag: false,
        lastModified: false,
        acceptRanges: false,
        index: false,
        wildcard: false,
      });
    }
  };
