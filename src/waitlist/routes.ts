import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../db/pool.js';
import { actorOf, type StaffAuth } from '../staff/auth.js';
import { audit } from '../staff/audit.js';
import { Day, Id, LanguageSchema, Person, Strict, errors, Text } from '../http/schemas.js';
import type { JoinInput, WaitlistService } from './service.js';

const JoinBody = Strict({
  campaignId: Id,
  person: Person,
  preferences: Type.Optional(
    Strict({
      maxDistanceKm: Type.Optional(Type.Number({ minimum: 1, maximum: 1000 })),
      centerIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 100 })),
      earliest: Type.Optional(Day),
      latest: Type.Optional(Day),
      weekdays: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7, description: 'ISO weekdays, 1 = Monday' })),
    }),
  ),
  locale: Type.Optional(LanguageSchema),
});
const Secret = Text({ minLength: 10, maxLength: 100 });
const tags = ['waitlist'];

/** The wait list, for citizens (and their links from offer messages). */
export const waitlistRoutes =
  (waitlist: WaitlistService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/api/v1/waitlist',
      {
        schema: {
          tags,
          summary: 'Join the wait list of a campaign (needs a verified phone number or e-mail)',
          body: JoinBody,
          response: errors(400, 404, 409, 422),
        },
      },
      async (request, reply) => reply.status(201).send(await waitlist.join(request.body as JoinInput)),
    );
    app.get(
      '/api/v1/waitlist/entries/:entryId',
      {
        schema: {
          tags,
          summary: 'Your place on the wait list, and an open offer',
          params: Strict({ entryId: Id }),
          querystring: Strict({ secret: Secret }),
          response: errors(400, 404),
        },
      },
      async (request) => waitlist.status(request.params.entryId, request.query.secret),
    );
    app.delete(
      '/api/v1/waitlist/entries/:entryId',
      {
        schema: { tags, summary: 'Leave the wait list', params: Strict({ entryId: Id }), querystring: Strict({ secret: Secret }), response: errors(400, 404) },
      },
      async (request) => waitlist.leave(request.params.entryId, request.query.secret),
    );
    app.get(
      '/api/v1/waitlist/offers/:offerId',
      {
        schema: {
          tags,
          summary: 'An offer: the appointments and the deadline',
          params: Strict({ offerId: Type.String({ format: 'uuid' }) }),
          querystring: Strict({ secret: Secret }),
          response: errors(400, 404),
        },
      },
      async (request) => waitlist.offer(request.params.offerId, request.query.secret),
    );
    app.post(
      '/api/v1/waitlist/offers/:offerId/accept',
      {
        schema: {
          tags,
          summary: 'Accept: the offer becomes your booking',
          params: Strict({ offerId: Type.String({ format: 'uuid' }) }),
          body: Strict({ secret: Secret }),
          response: errors(400, 404, 409, 410, 422),
        },
      },
      async (request, reply) => reply.status(201).send(await waitlist.accept(request.params.offerId, request.body.secret)),
    );
    app.post(
      '/api/v1/waitlist/offers/:offerId/decline',
      {
        schema: {
          tags,
          summary: 'Decline: the appointment goes to the next person; you stay on the list',
          params: Strict({ offerId: Type.String({ format: 'uuid' }) }),
          body: Strict({ secret: Secret }),
          response: errors(400, 404, 409, 410),
        },
      },
      async (request) => waitlist.decline(request.params.offerId, request.body.secret),
    );
  };

const security = [{ bearer: [] }];

/** Staff: put a caller on the wait list (their number counts as checked by the agent), see how the list is served. */
export const waitlistAdminRoutes =
  (db: Db, waitlist: WaitlistService, auth: StaffAuth): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.addHook('preValidation', auth.require('agent'));
    app.post(
      '/api/v1/admin/waitlist',
      { schema: { tags: ['admin'], security, summary: 'Put a hotline caller on the wait list', body: JoinBody, response: errors(400, 401, 404, 409) } },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await waitlist.join({ ...(request.body as JoinInput), channel: 'phone' }, (q, entryId) =>
              audit(q, actorOf(request), 'put caller on wait list', { target: { entryId, campaignId: request.body.campaignId } }),
            ),
          ),
    );
    app.get(
      '/api/v1/admin/waitlist',
      { schema: { tags: ['admin'], security, summary: 'How the wait list of a campaign is served', querystring: Strict({ campaignId: Id }) } },
      async (request) => ({ campaignId: request.query.campaignId, ...(await waitlist.summary(request.query.campaignId)) }),
    );
  };
