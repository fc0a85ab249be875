import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../db/pool.js';
import { Day, Id, Strict, errors, Text } from '../http/schemas.js';
import { inTransaction, sendOutcome } from '../http/transaction.js';
import { actorOf, type StaffAuth } from '../staff/auth.js';
import { checkinService } from './service.js';
import type { BookingService } from '../booking/service.js';

const security = [{ bearer: [] }];
const tags = ['checkin'];
const Code = Strict({ code: Text({ minLength: 1, maxLength: 40, description: 'Booking code, or the text of its QR code (ANSTURM:ABCD2345)' }) });

/** The check-in desk: find a booking by code or QR, mark attended or no-show, the day's list per centre. */
export const checkinRoutes =
  (db: Db, auth: StaffAuth, bookings: BookingService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.addHook('preValidation', auth.require('checkin'));

    app.get('/api/v1/checkin/centers', { schema: { tags, security, summary: 'The centres this account works at' } }, async (request) => ({
      centers: await checkinService.centers(db, actorOf(request)),
    }));

    app.get(
      '/api/v1/checkin/bookings/:code',
      {
        schema: {
          tags,
          security,
          summary: 'A booking at one of your centres: the person, both appointments, attendance',
          params: Code,
          response: errors(401, 403, 404),
        },
      },
      async (request) => checkinService.lookup(db, actorOf(request), request.params.code),
    );

    app.post(
      '/api/v1/checkin/bookings/:code/attendance',
      {
        schema: {
          tags,
          security,
          summary: 'Mark an appointment attended or no-show (on its day); a missed first dose goes to today’s standby list',
          params: Code,
          body: Strict({ dose: Type.Integer({ minimum: 1, maximum: 2 }), state: Type.Union([Type.Literal('attended'), Type.Literal('no_show')]) }),
          response: errors(400, 401, 403, 404, 409),
        },
      },
      async (request, reply) =>
        sendOutcome(
          reply,
          await inTransaction(db, request, 200, (q) =>
            checkinService.record(q, actorOf(request), bookings, request.params.code, request.body.dose, request.body.state),
          ),
        ),
    );

    app.get(
      '/api/v1/checkin/centers/:centerId/days/:day',
      {
        schema: {
          tags,
          security,
          summary: 'A centre’s appointments of a day, by time, with attendance',
          params: Strict({ centerId: Id, day: Day }),
          response: errors(400, 401, 403),
        },
      },
      async (request) => checkinService.day(db, request.params.centerId, request.params.day),
    );
  };
