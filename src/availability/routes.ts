import { gzipSync } from 'node:zlib';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { preHandlerAsyncHookHandler } from 'fastify';
import { fail } from '../errors.js';
import { Day, Id, PostalCode, Strict, errors } from '../http/schemas.js';
import { etagOf, notModified } from '../http/conditional.js';
import { postalCodeCentroid, type Point } from './geo.js';
import type { AvailabilityView } from './view.js';

const SearchQuery = Strict({
  campaignId: Id,
  postalCode: Type.Optional(PostalCode),
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  radiusKm: Type.Optional(Type.Number({ minimum: 1, maximum: 1000, default: 50 })),
  from: Type.Optional(Day),
  to: Type.Optional(Type.String({ format: 'date' })),
  centerId: Type.Optional({ ...Id, description: 'Only this centre (its own position is the origin; no postal code needed).' }),
  releaseId: Type.Optional({
    ...Id,
    description: "Only this release's appointments: an admitted person's search, which shows only what the admission may hold.",
  }),
  compact: Type.Optional(Type.Boolean({ default: false, description: 'Free first doses per centre and day, without the slots.' })),
});

/**
 * Answers kept per snapshot: a rush asks the same few questions (one district's postal codes) over and over. An
 * answer is kept once its question comes a second time in the snapshot: searches from a phone's location are each
 * asked once, and keeping every one (160 KB in a westfalen-lippe rush, hundreds a second) only fed the garbage
 * collector. The questions seen are bounded by count, the answers kept by count and size.
 */
const CACHE_ENTRIES = 5_000;
const CACHE_BYTES = 64 * 2 ** 20;
const COMPRESS_FROM_BYTES = 1_024;

/**
 * Public read routes, answered from the node's in-memory view: no query per request. Appointment
 * finders and maps may read them from any web page (CORS) and ask again with If-None-Match (304);
 * `limit` is the open-data limit, which counts only other sites' requests.
 */
export const availabilityRoutes =
  (view: AvailabilityView, limit: preHandlerAsyncHookHandler | undefined): FastifyPluginAsyncTypebox =>
  async (app) => {
    const limited = limit ? { preHandler: limit } : {};
    let cacheFor = 0;
    const cache = new Map<string, { json: string; etag: string; gzip?: Buffer }>();
    const asked = new Set<string>();
    let cachedBytes = 0;
    let campaigns = { for: -1, json: '', etag: '' };

    app.get(
      '/api/v1/campaigns',
      { schema: { tags: ['booking', 'open data'], summary: 'Open campaigns with eligibility rules and releases' }, ...limited },
      async (request, reply) => {
        if (campaigns.for !== view.loadedAt) {
          const json = JSON.stringify({ campaigns: view.campaigns() });
          campaigns = { for: view.loadedAt, json, etag: etagOf(json) };
        }
        // Asked again every time (a 304 costs nothing): staff who just created a campaign must see it.
        reply.header('cache-control', 'no-cache').type('application/json; charset=utf-8');
        return notModified(request, reply, campaigns) ? reply.status(304).send() : reply.send(campaigns.json);
      },
    );

    app.get(
      '/api/v1/campaigns/:campaignId/centers',
      {
        schema: {
          tags: ['booking', 'open data'],
          summary: 'The centres where a campaign has released appointments, free or not (for wait-list wishes)',
          params: Strict({ campaignId: Id }),
          response: { ...errors(400, 404) },
        },
        ...limited,
      },
      async (request, reply) => {
        if (!view.hasCampaign(request.params.campaignId)) fail('CAMPAIGN_NOT_FOUND');
        reply.header('cache-control', 'public, max-age=60');
        return { centers: view.centersOf(request.params.campaignId) };
      },
    );

    app.get(
      '/api/v1/availability',
      {
        schema: {
          tags: ['booking', 'open data'],
          summary: 'Centres of a campaign nearest first, with free first-dose capacity per day and the slots',
          description: 'Where from: postalCode, lat and lon, or centerId. With compact=true only the counts per centre and day.',
          querystring: SearchQuery,
          response: { ...errors(400, 404, 429) },
        },
        ...limited,
      },
      async (request, reply) => {
        const q = request.query;
        if (!view.hasCampaign(q.campaignId)) fail('CAMPAIGN_NOT_FOUND');
        let origin: Point;
        if (q.centerId !== undefined) {
          const center = view.center(q.centerId) ?? fail('CENTER_NOT_FOUND');
          origin = { lat: center.lat, lon: center.lon };
        } else if (q.postalCode !== undefined) {
          origin = postalCodeCentroid(q.postalCode) ?? fail('UNKNOWN_POSTAL_CODE', `The postal code ${q.postalCode} is not known.`);
        } else if (q.lat !== undefined && q.lon !== undefined) {
          origin = { lat: q.lat, lon: q.lon };
        } else {
          return fail('VALIDATION_FAILED', 'Give either postalCode, or lat and lon.');
        }
        if (q.from && q.to && q.to < q.from) fail('VALIDATION_FAILED', '"to" must not be before "from".');
        if (cacheFor !== view.loadedAt) {
          cache.clear();
          asked.clear();
          cachedBytes = 0;
          cacheFor = view.loadedAt;
        }
        // Coordinates are rounded to about 100 m for the key; the answer is the same to anyone there.
        const where = q.centerId !== undefined ? `c${q.centerId}` : `${origin.lat.toFixed(3)}|${origin.lon.toFixed(3)}`;
        const key = [q.campaignId, where, q.radiusKm ?? 50, q.from ?? '', q.to ?? '', q.compact ? 'c' : '', q.releaseId ?? ''].join('|');
        let answer = cache.get(key);
        if (answer === undefined) {
          const found = view.searchJson({ ...q, origin, radiusKm: q.radiusKm ?? 50 });
          answer = {
            json: `{"campaignId":${q.campaignId},"origin":${JSON.stringify(origin)},"asOf":"${new Date(view.asOf).toISOString()}","centers":${found.json}}`,
            // The same centres and slots keep their ETag when only the time of the snapshot moved on.
            etag: etagOf(`${key}\n${found.digest}`),
          };
          if (!asked.has(key)) {
            if (asked.size >= CACHE_ENTRIES) asked.clear();
            asked.add(key);
          } else {
            if (cache.size >= CACHE_ENTRIES || cachedBytes + answer.json.length > CACHE_BYTES) {
              cache.clear();
              cachedBytes = 0;
            }
            cache.set(key, answer);
            cachedBytes += answer.json.length;
          }
        }
        reply.header('cache-control', 'public, max-age=1').header('vary', 'accept-encoding').type('application/json; charset=utf-8');
        if (notModified(request, reply, answer)) return reply.status(304).send();
        // A week of slots is tens of kilobytes: on a phone's slow line compression matters more than anything.
        // Each answer is compressed once per snapshot, when someone first asks for it that way.
        if (answer.json.length >= COMPRESS_FROM_BYTES && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
          answer.gzip ??= gzipSync(answer.json, { level: 6 });
          return reply.header('content-encoding', 'gzip').send(answer.gzip);
        }
        return reply.send(answer.json);
      },
    );
  };
