import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { fail } from '../errors.js';
import { Strict, errors } from '../http/schemas.js';
import { notModified, weakEtag } from '../http/conditional.js';
import type { DataLicence } from '../config.js';
import { OPEN_DATA_TERMS } from './terms.js';
import { FeedPublisher, type Published } from './publisher.js';

/**
 * Finders poll once a minute (the specification's hint); a CDN asks again each second, mostly for a 304,
 * and may serve its copy for ten minutes while the nodes cannot answer.
 */
const CACHE_CONTROL = 'public, max-age=60, s-maxage=1, stale-while-revalidate=5, stale-if-error=600';

const describe = (summary: string) => ({
  tags: ['open data'],
  summary,
  description: `SMART Scheduling Links (FHIR R4). ${OPEN_DATA_TERMS}`,
});

/** The SMART Scheduling Links feed: a manifest and NDJSON files, from memory, cacheable, from any origin. */
export const feedRoutes =
  (publisher: FeedPublisher, licence: DataLicence, limit: preHandlerAsyncHookHandler | undefined): FastifyPluginAsyncTypebox =>
  async (app) => {
    const limited = limit ? { preHandler: limit } : {};

    const send = (request: FastifyRequest, reply: FastifyReply, item: Published, type: string) => {
      reply.header('cache-control', CACHE_CONTROL).header('vary', 'accept-encoding').header('link', `<${licence.url}>; rel="license"`);
      if (notModified(request, reply, { etag: weakEtag(item.digest), lastModified: item.lastModified })) return reply.status(304).send();
      reply.type(type);
      const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')) ? FeedPublisher.gzipped(item) : undefined;
      return gzip ? reply.header('content-encoding', 'gzip').send(gzip) : reply.send(item.body);
    };

    app.get(
      '/fhir/$bulk-publish',
      { schema: { ...describe('The manifest: links to the Location, Schedule and Slot files, the licence and terms') }, ...limited },
      async (request, reply) => send(request, reply, publisher.current().manifest, 'application/json; charset=utf-8'),
    );

    app.get(
      '/fhir/:file',
      {
        schema: {
          ...describe('A Location, Schedule or Slot file named in the manifest (NDJSON, one resource per line)'),
          params: Strict({ file: Type.String({ pattern: '^[a-z0-9-]{1,40}\\.ndjson$' }) }),
          response: { ...errors(400, 404) },
        },
        ...limited,
      },
      async (request, reply) => {
        const file = publisher.current().files.get(request.params.file) ?? fail('NOT_FOUND', 'This file is not in the feed now; read the manifest again.');
        return send(request, reply, file, 'application/fhir+ndjson');
      },
    );
  };
