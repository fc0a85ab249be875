import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../db/pool.js';
import { Day, Id, LanguageSchema, Person, PostalCode, Strict, errors } from '../http/schemas.js';
import { inTransaction, sendOutcome } from '../http/transaction.js';
import { actorOf, type StaffAuth } from '../staff/auth.js';
import type { agentService } from './service.js';

const security = [{ bearer: [] }];
const tags = ['agent'];

/**
 * The hotline agent console's API. It runs on its own small connection pool (`db` here), so a
 * public rush that fills the main pool does not starve the people answering the phones.
 */
export const agentRoutes =
  (db: Db, agent: ReturnType<typeof agentService>, auth: StaffAuth): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.addHook('preValidation', auth.require('agent'));

    app.get(
      '/api/v1/agent/availability',
      {
        schema: {
          tags,
          security,
          summary: 'Free first-dose slots near a caller, including the share kept for the phone',
          querystring: Strict({
            campaignId: Id,
            postalCode: PostalCode,
            radiusKm: Type.Optional(Type.Number({ minimum: 1, maximum: 1000, default: 50 })),
            from: Type.Optional(Day),
            to: Type.Optional(Day),
          }),
          response: errors(400, 401, 403),
        },
      },
      async (request) => agent.search(db, actorOf(request), { ...request.query, radiusKm: request.query.radiusKm ?? 50 }),
    );

    app.post(
      '/api/v1/agent/bookings',
      {
        schema: {
          tags,
          security,
          summary: 'Book for a caller on the same ledger and rules; the confirmation goes by SMS, e-mail, or as a letter to print',
          body: Strict({
            slotId: Id,
            person: Person,
            sendBy: Type.Union([Type.Literal('sms'), Type.Literal('email'), Type.Literal('letter')]),
            locale: Type.Optional(LanguageSchema),
          }),
          response: errors(400, 401, 403, 404, 409, 422),
        },
      },
      async (request, reply) => sendOutcome(reply, await inTransaction(db, request, 201, (q) => agent.book(q, actorOf(request), request.body))),
    );
  };
