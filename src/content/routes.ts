import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fastifyStatic from '@fastify/static';
import { fail } from '../errors.js';
import { Id, Paragraphs, Strict, Text, errors } from '../http/schemas.js';
import { actorOf, type StaffAuth } from '../staff/auth.js';
import { PAGES, type ContentPages } from './pages.js';
import type { BarrierReports } from './service.js';

const PageName = Type.Union(
  PAGES.map((p) => Type.Literal(p)),
  { description: 'A legal or accessibility page' },
);

/** The legal and accessibility pages, a barrier report to staff, and the sign-language videos. */
export const contentRoutes =
  (pages: ContentPages, reports: BarrierReports, reportsPerMinute: number): FastifyPluginAsyncTypebox =>
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
        const page = pages.page(request.params.name, request.query.lang ?? 'de') ?? fail('NOT_FOUND', 'This page has no text.');
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

    const videoDir = pages.videoDir;
    if (videoDir) await app.register(fastifyStatic, { root: videoDir, prefix: '/inhalte/videos/', decorateReply: false, index: false });
  };

/** Staff read the barrier reports and mark them done. */
export const contentAdminRoutes =
  (reports: BarrierReports, auth: StaffAuth): FastifyPluginAsyncTypebox =>
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
  };
