import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fastifyStatic from '@fastify/static';
import { fail } from '../errors.js';
import { Id, LanguageSchema, Paragraphs, Strict, Text, errors } from '../http/schemas.js';
import { actorOf, type StaffAuth } from '../staff/auth.js';
import { PAGES, type ContentPages } from './pages.js';
import type { BarrierReports, LegalPages } from './service.js';

const PageName = Type.Union(
  PAGES.map((p) => Type.Literal(p)),
  { description: 'A legal or accessibility page' },
);

/** The legal and accessibility pages, a barrier report to staff, and the sign-language videos. */
export const contentRoutes =
  (files: ContentPages, pages: LegalPages, reports: BarrierReports, reportsPerMinute: number): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api/v1/pages/:name',
      {
        schema: {
          tags: ['booking'],
          summary: 'A legal or accessibility page (Impressum, Datenschutz, Barrierefreiheit, Leichte Sprache, Gebärdensprache) as HTML',
          params: Strict({ name: PageName }),
          querystring: Strict({ lang: Type.Optional(Type.String({ pattern: '^[a-z]{2}$' })) }),
          response: errors(400, 404),
        },
      },
      async (request, reply) => {
        const page = (await pages.page(request.params.name, request.query.lang ?? 'de')) ?? fail('NOT_FOUND', 'This page has no text.');
        return reply.header('cache-control', 'public, max-age=60').send(page);
      },
    );

    app.post(
      '/api/v1/barrier-reports',
      {
        schema: {
          tags: ['booking'],
          summary: 'Report a barrier on this portal (the accessibility statement’s feedback form); it reaches staff',
          body: Strict({
            message: Paragraphs({ minLength: 1, maxLength: 5000, pattern: '\\S' }),
            page: Type.Optional(Text({ maxLength: 200 })),
            contact: Type.Optional(Text({ maxLength: 254 })),
          }),
          response: errors(400, 429),
        },
        config: reportsPerMinute > 0 ? { rateLimit: { max: reportsPerMinute, timeWindow: 60_000 } } : {},
      },
      async (request, reply) => reply.status(201).send(await reports.report(request.body)),
    );

    const videoDir = files.videoDir;
    if (videoDir) await app.register(fastifyStatic, { root: videoDir, prefix: '/inhalte/videos/', decorateReply: false, index: false });
  };

/** Staff read the barrier reports and mark them done, and edit the legal pages per language with a preview. */
export const contentAdminRoutes =
  (reports: BarrierReports, pages: LegalPages, auth: StaffAuth): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.addHook('preValidation', auth.require('admin'));
    const security = [{ bearer: [] }];
    app.get(
      '/api/v1/admin/barrier-reports',
      {
        schema: {
          tags: ['admin'],
          security,
          summary: 'Barrier reports, newest first',
          querystring: Strict({ state: Type.Optional(Type.Union([Type.Literal('new'), Type.Literal('done')])) }),
          response: errors(401, 403),
        },
      },
      async (request) => reports.list(request.query.state ?? null),
    );
    app.post(
      '/api/v1/admin/barrier-reports/:id/done',
      { schema: { tags: ['admin'], security, summary: 'Mark a barrier report as dealt with', params: Strict({ id: Id }), response: errors(401, 403, 404) } },
      async (request) => reports.markDone(actorOf(request), request.params.id),
    );

    const PageParams = Strict({ name: PageName, lang: LanguageSchema });
    const Markdown = Paragraphs({ minLength: 1, maxLength: 100_000, pattern: '\\S' });
    app.get(
      '/api/v1/admin/pages/:name/:lang',
      {
        schema: {
          tags: ['admin'],
          security,
          summary: 'A legal page’s Markdown in a language, and where it comes from (console, file or template, none)',
          params: PageParams,
          response: errors(400, 401, 403),
        },
      },
      async (request) => pages.source(request.params.name, request.params.lang),
    );
    app.put(
      '/api/v1/admin/pages/:name/:lang',
      {
        schema: {
          tags: ['admin'],
          security,
          summary: 'Save a legal page’s text in a language (Markdown, first line "# Title"); it wins over files and templates on every node within 5 s',
          params: PageParams,
          body: Strict({ markdown: Markdown }),
          response: errors(400, 401, 403),
        },
      },
      async (request) => pages.save(actorOf(request), request.params.name, request.params.lang, request.body.markdown),
    );
    app.delete(
      '/api/v1/admin/pages/:name/:lang',
      {
        schema: {
          tags: ['admin'],
          security,
          summary: 'Drop the console’s text of a page in a language: the file or template shows again',
          params: PageParams,
          response: errors(400, 401, 403, 404),
        },
      },
      async (request) => pages.reset(actorOf(request), request.params.name, request.params.lang),
    );
    app.post(
      '/api/v1/admin/pages/:name/:lang/preview',
      {
        schema: {
          tags: ['admin'],
          security,
          summary: 'How a page’s Markdown would look, rendered as citizens get it; nothing is saved',
          params: PageParams,
          body: Strict({ markdown: Markdown }),
          response: errors(400, 401, 403),
        },
      },
      async (request) => pages.preview(request.params.name, request.params.lang, request.body.markdown),
    );
  };
