import { gzipSync } from 'node:zlib';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import cors from '@fastify/cors';
import { fail } from '../errors.js';
import { Day, Id, PostalCode, Strict, errors } from '../http/schemas.js';
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
});

/** Answers kept per snapshot: a rush asks the same few questions (one district's postal codes) over and over. */
const CACHE_ENTRIES = 5_000;
const COMPRESS_FROM_BYTES = 1_024;

/** Public read routes, answered from the node's in-memory view: no query per request. */
export const availabilityRoutes =
  (view: AvailabilityView): FastifyPluginAsyncTypebox =>
  async (app) => {
    // Appointment finders and maps may read these from any web page (no cookies, nothing personal).
    // Registered here, the headers go on these routes only; the preflight answers GET, nothing else.
    await app.register(cors, { origin: '*', methods: ['GET'], maxAge: 86_400, strictPreflight: false });
    let cacheFor = 0;
    const cache = new Map<string, { json: string; gzip?: Buffer }>();

    app.get('/api/v1/campaigns', { schema: { tags: ['booking'], summary: 'Open campaigns with eligibility rules and releases' } }, async () => ({
      campaigns: view.campaigns(),
    }));

    app.get(
      '/api/v1/availability',
      {
        schema: {
          tags: ['booking'],
          summary: 'Centres of a campaign nearest first, with free first-dose capacity per day and the slots',
          querystring: SearchQuery,
          response: { ...errors(400, 404) },
        },
      },
      async (request, reply) => {
        const q = request.query;
        if (!view.hasCampaign(q.campaignId)) fail('CAMPAIGN_NOT_FOUND');
        let origin: Point;
        if (q.postalCode !== undefined) {
          origin = postalCodeCentroid(q.postalCode) ?? fail('UNKNOWN_POSTAL_CODE', `The postal code ${q.postalCode} is not known.`);
        } else if (q.lat !== undefined && q.lon !== undefined) {
          origin = { lat: q.lat, lon: q.lon };
        } else {
          return fail('VALIDATION_FAILED', 'Give either postalCode, or lat and lon.');
        }
        if (q.from && q.to && q.to < q.from) fail('VALIDATION_FAILED', '"to" must not be before "from".');
        if (cacheFor !== view.loadedAt) {
          cache.clear();
          cacheFor = view.loadedAt;
        }
        // Coordinates are rounded to about 100 m for the key; the answer is the same to anyone there.
        const key = [q.campaignId, origin.lat.toFixed(3), origin.lon.toFixed(3), q.radiusKm ?? 50, q.from ?? '', q.to ?? ''].join('|');
        let answer = cache.get(key);
        if (answer === undefined) {
          const centers = view.search({ campaignId: q.campaignId, origin, radiusKm: q.radiusKm ?? 50, from: q.from, to: q.to });
          answer = { json: JSON.stringify({ campaignId: q.campaignId, origin, asOf: new Date(view.loadedAt).toISOString(), centers }) };
          if (cache.size >= CACHE_ENTRIES) cache.clear();
          cache.set(key, answer);
        }
        reply.header('cache-control', 'public, max-age=1').header('vary', 'accept-encoding').type('application/json; charset=utf-8');
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
