import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../db/pool.js';
import { actorOf, type StaffAuth } from '../staff/auth.js';
import { Id, LanguageSchema, Paragraphs, Strict, errors, Text } from '../http/schemas.js';
import type { MessageTextsService } from './message-texts.js';
import { outboxService } from './outbox.js';
import type { verificationService } from './verification.js';

const ChannelSchema = Type.Union([Type.Literal('sms'), Type.Literal('email')]);

/** Verifying a phone number or e-mail address, before a release or while waiting in line. */
export const verificationRoutes =
  (verification: ReturnType<typeof verificationService>, perMinute: number): FastifyPluginAsyncTypebox =>
  async (app) => {
    const limited: { rateLimit?: { max: number; timeWindow: number } } = perMinute > 0 ? { rateLimit: { max: perMinute, timeWindow: 60_000 } } : {};
    app.post(
      '/api/v1/verifications',
      {
        config: limited,
        schema: {
          tags: ['verification'],
          summary: 'Send a one-time code to a phone number (sms) or e-mail address; valid 30 minutes',
          body: Strict({ channel: ChannelSchema, contact: Text({ minLength: 3, maxLength: 254 }), locale: Type.Optional(LanguageSchema) }),
          response: errors(400, 429),
        },
      },
      async (request, reply) => {
        const { channel, contact, locale = 'de' } = request.body;
        return reply.status(202).send(await verification.request(channel, contact, locale));
      },
    );
    app.post(
      '/api/v1/verifications/confirm',
      {
        config: limited,
        schema: {
          tags: ['verification'],
          summary: 'Confirm the code; the contact then counts as verified for 30 days',
          body: Strict({ channel: ChannelSchema, contact: Text({ minLength: 3, maxLength: 254 }), code: Type.String({ pattern: '^[0-9]{6}$' }) }),
          response: errors(400, 422, 429),
        },
      },
      async (request) => verification.confirm(request.body.channel, request.body.contact, request.body.code),
    );
  };

const security = [{ bearer: [] }];

/** What staff see of the outbox: the local mailbox, the dead letters, the backlog. */
export const outboxAdminRoutes =
  (db: Db, auth: StaffAuth): FastifyPluginAsyncTypebox =>
  async (app) => {
    const outbox = outboxService(db);
    app.addHook('preValidation', auth.require('admin'));
    app.get(
      '/api/v1/admin/messages',
      {
        schema: {
          tags: ['admin'],
          security,
          summary: 'Messages, newest first: the local mailbox when no provider is configured, and every state (failed = dead letters)',
          querystring: Strict({
            recipient: Type.Optional(Text({ maxLength: 254 })),
            kind: Type.Optional(Text({ maxLength: 20 })),
            state: Type.Optional(Type.Union(['queued', 'sending', 'sent', 'failed', 'cancelled'].map((s) => Type.Literal(s)))),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          }),
        },
      },
      async (request) => ({ messages: await outbox.messages({ ...request.query, limit: request.query.limit ?? 100 }) }),
    );
    app.post(
      '/api/v1/admin/messages/:id/retry',
      { schema: { tags: ['admin'], security, summary: 'Send a dead letter again', params: Strict({ id: Id }), response: errors(401, 404) } },
      async (request) => outbox.retry(actorOf(request), request.params.id),
    );
    app.get(
      '/api/v1/admin/outbox',
      { schema: { tags: ['admin'], security, summary: 'Backlog per channel and lane, and the age of the oldest waiting code' } },
      async () => outbox.backlog(),
    );
  };

/** Staff change the messages' texts per language, with a preview on a sample booking. */
export const messageTextRoutes =
  (texts: MessageTextsService, auth: StaffAuth): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.addHook('preValidation', auth.require('admin'));
    const params = Strict({ lang: LanguageSchema });
    const Texts = Type.Record(Type.String({ pattern: '^[a-zA-Z]{1,40}$' }), Paragraphs({ minLength: 1, maxLength: 2000, pattern: '\\S' }), {
      description: 'Texts by their key (see GET); {placeholders} as in the shipped text',
    });
    app.get(
      '/api/v1/admin/message-texts/:lang',
      {
        schema: {
          tags: ['admin'],
          security,
          summary: 'Every message text of a language: shipped, in use, and who changed it',
          params,
          response: errors(400, 401, 403),
        },
      },
      async (request) => texts.list(request.params.lang),
    );
    app.put(
      '/api/v1/admin/message-texts/:lang',
      {
        schema: {
          tags: ['admin'],
          security,
          summary: 'Change message texts of a language (a text equal to the shipped one drops the change); used by every node within 5 s',
          params,
          body: Strict({ texts: Texts }),
          response: errors(400, 401, 403),
        },
      },
      async (request) => texts.save(actorOf(request), request.params.lang, request.body.texts),
    );
    app.delete(
      '/api/v1/admin/message-texts/:lang',
      { schema: { tags: ['admin'], security, summary: 'Every text of a language back to the shipped one', params, response: errors(400, 401, 403) } },
      async (request) => texts.reset(actorOf(request), request.params.lang),
    );
    app.post(
      '/api/v1/admin/message-texts/:lang/preview',
      {
        schema: {
          tags: ['admin'],
          security,
          summary: 'Every message rendered on a sample booking with these texts (nothing is saved)',
          params,
          body: Strict({ texts: Texts }),
          response: errors(400, 401, 403),
        },
      },
      async (request) => texts.preview(request.params.lang, request.body.texts),
    );
  };
