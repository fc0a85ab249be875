import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { fail } from '../http/errors.js';
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

/** Public read routes, answered from the node's in-memory view: no query per request. */
export const availabilityRoutes =
  (view: AvailabilityView): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api/v1/campaigns',
      { schema: { tags: ['booking'], summary: 'Open campaigns with eligibility rules and releases' } },
      async () => ({ campaigns: view.campaigns() }),
    );

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
        const centers = view.search({ campaignId: q.campaignId, origin, radiusKm: q.radiusKm ?? 50, from: q.from, to: q.to });
        reply.header('cache-control', 'public, max-age=1');
        return { campaignId: q.campaignId, origin, asOf: new Date(view.loadedAt).toISOString(), centers };
      },
    );
  };
