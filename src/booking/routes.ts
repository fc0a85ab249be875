import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/pool.js';
import { fail } from '../errors.js';
import { BookingAnswer, BookingView, Day, HoldAnswer, Id, LanguageSchema, Person, Strict, errors, Text } from '../http/schemas.js';
import { idempotencyKeyOf, idempotent, inTransaction, sendOutcome, type Keyed } from '../http/transaction.js';
import { GroupCommit } from '../db/group-commit.js';
import type { Metrics } from '../metrics/metrics.js';
import { tx } from '../db/pool.js';
import { parseBookingCode } from './code.js';
import { privacyService } from '../privacy/service.js';
import { lookupGuard } from './lookups.js';
import { calendar } from '../notify/ics.js';
import { qrSvg } from './qr.js';
import type { Admission, BookingService, ConfirmRequest, HoldRequest } from './service.js';
import { dayIn, INSTALLATION_ZONE } from '../time/zone.js';

const CodeParams = Strict({ bookingCode: Text({ maxLength: 20 }) });
const DobQuery = Strict({ dateOfBirth: Day });
const IdempotencyHeader = Type.Object({
  'idempotency-key': Type.Optional(Text({ description: 'Retries with the same key return the first answer.' })),
});
const HoldHeaders = Type.Object({
  'idempotency-key': Type.Optional(Text({ description: 'Retries with the same key return the first answer.' })),
  'admission-token': Type.Optional(Text({ description: 'Required for releases with a waiting room: the token from your place in line.' })),
});

const code = (raw: string): string => parseBookingCode(raw) ?? fail('BOOKING_NOT_FOUND', 'This is not a booking code (8 letters and digits, e.g. ABCD-2345).');

/** What carries a person's data is kept by no cache, the browser's included. */
const noStore = {
  onRequest: async (_request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store');
  },
};

/** Turns an `Admission-Token` header into the admission it grants (throws for a bad one). */
export type AdmissionCheck = (token: string) => Promise<Admission>;

/** How the public holds and confirmations are written: batches in flight at once, and their size. */
export interface BatchOptions {
  lanes: number;
  maxBatch: number;
  maxQueue: number;
}

/**
 * The booking API: the rush (holds and confirmations, written in group commits) apart from a
 * person's own booking, found by its code and date of birth.
 */
export const bookingRoutes =
  (db: Db, service: BookingService, checkAdmission: AdmissionCheck, batching: BatchOptions, metrics: Metrics): FastifyPluginAsyncTypebox =>
  async (app) => {
    await app.register(rushRoutes(db, service, checkAdmission, batching, metrics));
    await app.register(ownBookingRoutes(db, service));
  };

/** Eligibility, holds and confirmations: what a rush sends. */
const rushRoutes =
  (db: Db, service: BookingService, checkAdmission: AdmissionCheck, batching: BatchOptions, metrics: Metrics): FastifyPluginAsyncTypebox =>
  async (app) => {
    // A rush of holds and confirmations is written in group commits (db/group-commit.ts): one
    // transaction, one set of statements, one commit for all the requests that waited meanwhile.
    const keyOf = (k: Keyed<unknown>) => (k.key ? [`key:${k.key.scope}\n${k.key.key}`] : []);
    const holds = new GroupCommit(
      db,
      {
        ...batching,
        keysOf: (k: Keyed<HoldRequest>) => [...keyOf(k), ...(k.input.admission ? [`ticket:${k.input.admission.ticketId}`] : [])],
        onBatch: (n, s) => metrics.batch('hold', n, s),
      },
      idempotent(201, (q, inputs: HoldRequest[]) => service.holdMany(q, inputs)),
    );
    const confirmations = new GroupCommit(
      db,
      { ...batching, keysOf: (k: Keyed<ConfirmRequest>) => [...keyOf(k), `hold:${k.input.holdId}`], onBatch: (n, s) => metrics.batch('confirm', n, s) },
      idempotent(201, (q, inputs: ConfirmRequest[]) => service.confirmMany(q, inputs)),
    );
    metrics.watchWaiting('hold', () => holds.waiting);
    metrics.watchWaiting('confirm', () => confirmations.waiting);

    app.post(
      '/api/v1/eligibility',
      {
        schema: {
          tags: ['booking'],
          summary: 'Check a person against a campaign’s rules before booking (age on the day, district, priority group)',
          body: Strict({
            campaignId: Id,
            dateOfBirth: Person.properties.dateOfBirth,
            postalCode: Person.properties.postalCode,
            priorityGroup: Type.Optional(Person.properties.priorityGroup),
            day: Type.Optional(Type.Union([Day], { description: 'Day of the first appointment (default: today)' })),
          }),
          response: { 200: Type.Object({ eligible: Type.Boolean(), requireVerifiedContact: Type.Boolean() }), ...errors(400, 404, 422) },
        },
      },
      async (request) => {
        const { campaignId, day, ...person } = request.body;
        return service.precheck(db, campaignId, person, day ?? dayIn(new Date(), INSTALLATION_ZONE));
      },
    );

    app.post(
      '/api/v1/holds',
      {
        schema: {
          tags: ['booking'],
          summary: 'Reserve an appointment (and its second dose) for a few minutes',
          headers: HoldHeaders,
          body: Strict({ slotId: Id }),
          response: {
            201: HoldAnswer,
            ...errors(400, 403, 404, 409, 422),
          },
        },
      },
      async (request, reply) => {
        const token = request.headers['admission-token'];
        const admission = token ? await checkAdmission(token) : undefined;
        const hold = { slotId: request.body.slotId, admission };
        // A staff member's request is audited in a transaction of its own.
        const out = request.staff
          ? await inTransaction(db, request, 201, (q) => service.hold(q, hold.slotId, hold.admission))
          : await holds.submit({ key: idempotencyKeyOf(request), input: hold });
        return sendOutcome(reply, out);
      },
    );

    app.post(
      '/api/v1/bookings',
      {
        schema: {
          tags: ['booking'],
          summary: 'Confirm a reservation with the person’s data',
          headers: IdempotencyHeader,
          body: Strict({
            holdId: Type.String({ format: 'uuid' }),
            person: Person,
            locale: Type.Optional(LanguageSchema),
          }),
          response: {
            201: BookingAnswer,
            ...errors(400, 404, 409, 410, 422),
          },
        },
      },
      async (request, reply) => {
        const { holdId, person, locale = 'de' } = request.body;
        const out = request.staff
          ? await inTransaction(db, request, 201, (q) => service.confirm(q, holdId, person, locale))
          : await confirmations.submit({ key: idempotencyKeyOf(request), input: { holdId, person, locale, origin: { way: 'public', bookedBy: null } } });
        return sendOutcome(reply, out);
      },
    );
  };

/** A person's own booking: view it, its calendar file and QR code, its messages; cancel or move it. */
const ownBookingRoutes =
  (db: Db, service: BookingService): FastifyPluginAsyncTypebox =>
  async (app) => {
    // Finding a booking by its code and a date of birth: wrong guesses are counted per code and address.
    const guard = lookupGuard(db);
    const own = <T>(request: { params: { bookingCode: string }; ip: string }, use: (bookingCode: string) => Promise<T>) =>
      guard(request.params.bookingCode.toUpperCase().replace(/[\s-]/g, ''), request.ip, () => use(code(request.params.bookingCode)));
    app.get(
      '/api/v1/bookings/:bookingCode',
      {
        ...noStore,
        schema: {
          tags: ['booking'],
          summary: 'View a booking (code and date of birth)',
          params: CodeParams,
          querystring: DobQuery,
          response: { 200: BookingView, ...errors(400, 404) },
        },
      },
      async (request) => own(request, (c) => service.view(db, c, request.query.dateOfBirth)),
    );

    app.get(
      '/api/v1/bookings/:bookingCode/calendar.ics',
      {
        ...noStore,
        schema: { tags: ['booking'], summary: 'The appointments as an iCalendar file', params: CodeParams, querystring: DobQuery, response: errors(400, 404) },
      },
      async (request, reply) => {
        const view = await own(request, (c) => service.view(db, c, request.query.dateOfBirth));
        return reply
          .type('text/calendar; charset=utf-8')
          .header('content-disposition', `attachment; filename="termin-${view.bookingCode}.ics"`)
          .send(calendar(view.bookingCode, view.appointments));
      },
    );

    app.get(
      '/api/v1/bookings/:bookingCode/qr.svg',
      {
        schema: {
          tags: ['booking'],
          summary: 'The QR code the check-in desk scans (it holds ANSTURM:<code>)',
          params: CodeParams,
          querystring: DobQuery,
          response: errors(400, 404),
        },
      },
      async (request, reply) => {
        const view = await own(request, (c) => service.view(db, c, request.query.dateOfBirth));
        return reply
          .type('image/svg+xml')
          .header('cache-control', 'private, max-age=86400')
          .send(qrSvg(`ANSTURM:${view.bookingCode.replace('-', '')}`));
      },
    );

    app.get(
      '/api/v1/bookings/:bookingCode/messages',
      {
        ...noStore,
        schema: {
          tags: ['booking'],
          summary: 'The state of each message about this booking: queued, delayed (retrying), sent, failed',
          params: CodeParams,
          querystring: DobQuery,
          response: errors(400, 404),
        },
      },
      async (request) => ({ messages: await own(request, (c) => service.messages(db, c, request.query.dateOfBirth)) }),
    );

    app.delete(
      '/api/v1/bookings/:bookingCode',
      {
        ...noStore,
        schema: {
          tags: ['booking'],
          summary: 'Cancel a booking; its appointments become free at once',
          params: CodeParams,
          querystring: DobQuery,
          response: { 200: BookingView, ...errors(400, 404, 409) },
        },
      },
      async (request) => own(request, (c) => tx(db, (q) => service.cancel(q, c, request.query.dateOfBirth))),
    );

    // The person's own data: all of it to see (GDPR art. 15), and to erase with the booking (art. 17).
    const privacy = privacyService(service);
    app.get(
      '/api/v1/bookings/:bookingCode/data',
      {
        ...noStore,
        schema: {
          tags: ['booking'],
          summary: 'Everything stored about you through this booking (GDPR art. 15), as JSON; download=true for a file',
          params: CodeParams,
          querystring: Strict({ dateOfBirth: Day, download: Type.Optional(Type.Boolean()) }),
          response: errors(400, 404),
        },
      },
      async (request, reply) => {
        const data = await own(request, (c) => privacy.personalData(db, c, request.query.dateOfBirth));
        if (request.query.download)
          reply.header('content-disposition', `attachment; filename="ansturm-daten-${request.params.bookingCode.replace(/[^A-Za-z0-9-]/g, '')}.json"`);
        return reply.send({ exportedAt: new Date().toISOString(), ...data });
      },
    );

    app.post(
      '/api/v1/bookings/:bookingCode/erase',
      {
        ...noStore,
        schema: {
          tags: ['booking'],
          summary: 'Cancel the booking and erase your personal data (GDPR art. 17); the booking is found by its code no more',
          params: CodeParams,
          body: Strict({ dateOfBirth: Day }),
          response: errors(400, 404),
        },
      },
      async (request) => own(request, (c) => tx(db, (q) => privacy.erase(q, c, request.body.dateOfBirth))),
    );

    app.post(
      '/api/v1/bookings/:bookingCode/rebook',
      {
        ...noStore,
        schema: {
          tags: ['booking'],
          summary: 'Move a booking to another appointment, atomically',
          headers: IdempotencyHeader,
          params: CodeParams,
          body: Strict({ dateOfBirth: Day, slotId: Id }),
          response: { 200: BookingView, ...errors(400, 404, 409, 422) },
        },
      },
      async (request, reply) => {
        const { dateOfBirth, slotId } = request.body;
        const out = await own(request, (c) => inTransaction(db, request, 200, (q) => service.rebook(q, c, dateOfBirth, slotId)));
        return sendOutcome(reply, out);
      },
    );
  };
