import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../db/pool.js';
import { actorOf, type StaffAuth } from '../staff/auth.js';
import { Id, Identity, Strict, errors, Text } from '../http/schemas.js';
import { queueOperator, type RoomState } from './operator.js';
import { Room, Status } from './schemas.js';
import type { QueueService } from './service.js';
import type { KeyRing } from './signing.js';
import type { QueueView } from './view.js';

const RoomParams = Strict({ releaseId: Id });
const TicketParams = Strict({ ticket: Text({ minLength: 10, maxLength: 1000 }) });
const tags = ['queue'];

/** The citizen's side of the waiting room. */
export const queueRoutes =
  (service: QueueService, joinsPerMinute: number): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api/v1/queue/rooms/:releaseId',
      {
        schema: {
          tags,
          summary: 'A waiting room: state, countdown, line length, the seed hash (and seed after opening)',
          params: RoomParams,
          response: { 200: Room, ...errors(404) },
        },
      },
      async (request) => service.room(request.params.releaseId),
    );

    app.get(
      '/api/v1/queue/rooms/:releaseId/challenge',
      { schema: { tags, summary: 'A proof-of-work challenge to solve before joining', params: RoomParams, response: errors(404) } },
      async (request) => service.challenge(request.params.releaseId),
    );

    app.post(
      '/api/v1/queue/rooms/:releaseId/tickets',
      {
        config: joinsPerMinute > 0 ? { rateLimit: { max: joinsPerMinute, timeWindow: 60_000 } } : {},
        schema: {
          tags,
          summary: 'Join the line with a solved challenge; returns a signed ticket and a resume code',
          params: RoomParams,
          body: Strict({ challenge: Text({ maxLength: 1000 }), nonce: Type.String({ pattern: '^[0-9]{1,20}$' }) }),
          response: errors(400, 404, 409, 429),
        },
      },
      async (request, reply) => reply.status(201).send(await service.join(request.params.releaseId, request.body.challenge, request.body.nonce)),
    );

    app.get(
      '/api/v1/queue/rooms/:releaseId/prequeue',
      {
        schema: {
          tags,
          summary: 'After opening: the seed and the pre-queue in drawn order, to verify the shuffle',
          params: RoomParams,
          response: errors(404, 409),
        },
      },
      // Fixed once drawn: caches may keep it.
      async (request, reply) => reply.header('cache-control', 'public, max-age=3600').send(await service.preQueue(request.params.releaseId)),
    );

    app.get(
      '/api/v1/queue/tickets/:ticket',
      {
        schema: {
          tags,
          summary: 'Your place: position, people ahead, ETA range, outlook, when to poll next; the admission token when it is your turn',
          params: TicketParams,
          response: { 200: Status, ...errors(403, 404) },
        },
      },
      async (request, reply) => {
        const status = await service.status(request.params.ticket);
        return reply.header('cache-control', 'no-store').send(status);
      },
    );

    app.delete(
      '/api/v1/queue/tickets/:ticket',
      {
        schema: {
          tags,
          summary: 'Leave the line (a ticket already used for a booking keeps its state; the state is answered)',
          params: TicketParams,
          response: errors(403),
        },
      },
      async (request) => service.leave(request.params.ticket),
    );

    app.put(
      '/api/v1/queue/tickets/:ticket/person',
      {
        schema: {
          tags,
          summary: 'Bind the person to this place (one place per person: the worse of two is dropped)',
          params: TicketParams,
          body: Identity,
          response: errors(400, 403, 409),
        },
      },
      async (request) => service.bindPerson(request.params.ticket, request.body),
    );

    app.post(
      '/api/v1/queue/resume',
      {
        config: joinsPerMinute > 0 ? { rateLimit: { max: joinsPerMinute, timeWindow: 60_000 } } : {},
        schema: {
          tags,
          summary: 'Get your ticket back from its resume code (another device, a closed tab)',
          body: Strict({ code: Text({ maxLength: 20 }) }),
          response: errors(400, 404, 429),
        },
      },
      async (request) => service.resume(request.body.code),
    );
  };

const security = [{ bearer: [] }];

/** Operators' controls: pause, resume, close, targets and difficulty, signing keys. */
export const queueAdminRoutes =
  (db: Db, view: QueueView, keys: KeyRing, auth: StaffAuth): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.addHook('preValidation', auth.require('admin'));
    const adminTags = ['admin'];
    const operator = queueOperator(db, view, keys);

    const transition = (path: string, from: RoomState[], to: RoomState, summary: string) =>
      app.post(
        `/api/v1/admin/queue/rooms/:releaseId/${path}`,
        { schema: { tags: adminTags, security, summary, params: RoomParams, response: errors(401, 404, 409) } },
        async (request) => operator.transition(actorOf(request), request.params.releaseId, path, from, to),
      );
    transition('pause', ['scheduled', 'open', 'sold_out'], 'paused', 'Stop admitting; people keep their places');
    transition('resume', ['paused'], 'open', 'Admit again (a room not yet at its release instant goes back to scheduled)');
    transition('close', ['scheduled', 'open', 'paused', 'sold_out'], 'closed', 'Close the waiting room for good');

    app.patch(
      '/api/v1/admin/queue/rooms/:releaseId',
      {
        schema: {
          tags: adminTags,
          security,
          summary: 'Change targets live: active sessions, admissions per second, admission window, join difficulty, hold latency limit',
          params: RoomParams,
          body: Strict({
            targetActive: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
            maxAdmissionsPerSecond: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
            admissionWindowSeconds: Type.Optional(Type.Integer({ minimum: 30, maximum: 24 * 3600 })),
            difficulty: Type.Optional(Type.Integer({ minimum: 0, maximum: 32 })),
            holdP95LimitMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 60_000 })),
          }),
          response: errors(400, 401, 404),
        },
      },
      async (request) => operator.updateSettings(actorOf(request), request.params.releaseId, request.body),
    );

    app.post(
      '/api/v1/admin/signing-keys',
      { schema: { tags: adminTags, security, summary: 'Rotate: a new key signs from now on; older keys still verify until retired' } },
      async (request, reply) => reply.status(201).send(await operator.rotateKey(actorOf(request))),
    );

    app.post(
      '/api/v1/admin/signing-keys/:kid/retire',
      { schema: { tags: adminTags, security, summary: 'Retire a key: tickets and tokens it signed stop verifying', params: Strict({ kid: Id }) } },
      async (request) => operator.retireKey(actorOf(request), request.params.kid),
    );
  };
