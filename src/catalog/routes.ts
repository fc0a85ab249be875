import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../db/pool.js';
import type { StaffAuth } from '../staff/auth.js';
import { Day, Id, Instant, PostalCode, Strict, errors, Text } from '../http/schemas.js';
import { LAENDER } from './holidays.js';
import { inTransaction, sendOutcome } from '../http/transaction.js';
import { catalogService } from './service.js';
import { releaseChecklist, type ChecklistContext } from './checklist.js';
import { fail } from '../errors.js';

const Name = Text({ minLength: 1, maxLength: 200, pattern: '\\S' });
const Time = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'Local time HH:MM in the centre’s time zone' });
const Dose = Type.Integer({ minimum: 1, maximum: 2 });

const CenterInput = Strict({
  name: Name,
  address: Text({ minLength: 1, maxLength: 300 }),
  postalCode: PostalCode,
  district: Text({ minLength: 1, maxLength: 100 }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  timeZone: Type.Optional(
    Text({ minLength: 1, maxLength: 64, description: 'IANA time zone of the centre (default Europe/Berlin): its slot series and local days follow it' }),
  ),
  state: Type.Optional(
    Type.Union(
      LAENDER.map((l) => Type.Literal(l)),
      { description: 'The Land (ISO 3166-2:DE without "DE-", e.g. NW): slot series leave out its public holidays too' },
    ),
  ),
});

const CampaignInput = Strict({
  name: Name,
  vaccine: Strict({
    name: Text({ minLength: 1, maxLength: 100 }),
    doses: Dose,
    minIntervalDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
    maxIntervalDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  }),
  eligibility: Type.Optional(
    Strict({
      minAge: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
      maxAge: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
      districts: Type.Optional(Type.Array(Text({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 100 })),
      priorityGroups: Type.Optional(Type.Array(Text({ minLength: 1, maxLength: 50 }), { minItems: 1, maxItems: 20 })),
    }),
  ),
  requireVerifiedContact: Type.Optional(Type.Boolean({ description: 'Bookings need a phone number or e-mail verified by code' })),
});

const SlotInput = Strict({
  centerId: Id,
  campaignId: Id,
  startsAt: Instant,
  durationMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  capacity: Type.Integer({ minimum: 0, maximum: 100000 }),
  dose: Dose,
});

const SeriesInput = Strict({
  centerId: Id,
  campaignId: Id,
  dose: Type.Optional(Dose),
  from: Day,
  to: Day,
  weekdays: Type.Optional(
    Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7, description: 'ISO weekdays, 1 = Monday; default Monday to Saturday' }),
  ),
  opens: Time,
  closes: Time,
  intervalMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  durationMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
  capacity: Type.Integer({ minimum: 0, maximum: 100000 }),
  skipDates: Type.Optional(Type.Array(Day, { maxItems: 366, description: 'Days to leave out, e.g. a state’s own holidays' })),
  skipHolidays: Type.Optional(Type.Boolean({ description: 'Leave out the public holidays, nationwide and of the centre’s Land (default true)' })),
});

const Slot = Type.Object({
  id: Id,
  centerId: Id,
  campaignId: Id,
  releaseId: Type.Union([Id, Type.Null()]),
  dose: Dose,
  startsAt: Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' }),
  durationMinutes: Type.Integer(),
  capacity: Type.Integer(),
  taken: Type.Integer(),
});

const security = [{ bearer: [] }];
/** Staff send whole slot lists and releases of tens of thousands of ids; citizens' bodies keep the small global limit. */
const ADMIN_BODY_LIMIT = 4 * 1024 * 1024; // 4 MiB

/** The most slots one release takes, and so the most one listing gives. */
const MAX_RELEASE_SLOTS = 50_000;

/** Staff routes for setting up centres, campaigns, slots and releases. */
export const catalogRoutes =
  (db: Db, auth: StaffAuth, checklist: ChecklistContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.addHook('preValidation', auth.require('admin'));

    app.post(
      '/api/v1/admin/centers',
      { schema: { tags: ['admin'], security, body: CenterInput, response: { ...errors(400, 401) } } },
      async (request, reply) => {
        const out = await inTransaction(db, request, 201, (q) => catalogService.createCenter(q, request.body));
        return sendOutcome(reply, out);
      },
    );

    app.get('/api/v1/admin/centers', { schema: { tags: ['admin'], security } }, async () => ({
      centers: await catalogService.listCenters(db),
    }));

    app.post(
      '/api/v1/admin/districts',
      {
        schema: {
          tags: ['admin'],
          security,
          summary: 'Add postal codes to a district (for campaigns limited to districts)',
          body: Strict({ name: Text({ minLength: 1, maxLength: 100 }), postalCodes: Type.Array(PostalCode, { minItems: 1, maxItems: 2000 }) }),
        },
      },
      async (request, reply) => {
        const { name, postalCodes } = request.body;
        const out = await inTransaction(db, request, 201, (q) => catalogService.addDistrict(q, name, postalCodes));
        return sendOutcome(reply, out);
      },
    );

    app.post(
      '/api/v1/admin/campaigns',
      { schema: { tags: ['admin'], security, body: CampaignInput, response: { ...errors(400, 401) } } },
      async (request, reply) => {
        const out = await inTransaction(db, request, 201, (q) => catalogService.createCampaign(q, request.body));
        return sendOutcome(reply, out);
      },
    );

    app.post(
      '/api/v1/admin/slots',
      {
        bodyLimit: ADMIN_BODY_LIMIT,
        schema: {
          tags: ['admin'],
          security,
          summary: 'Create slots, listed one by one or as a series (days x opening hours x interval)',
          body: Type.Union([Strict({ slots: Type.Array(SlotInput, { minItems: 1, maxItems: 20000 }) }), Strict({ series: SeriesInput })]),
          response: { 201: Type.Object({ slots: Type.Array(Slot) }), ...errors(400, 401, 404) },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const out = await inTransaction(db, request, 201, async (q) => ({
          slots: 'slots' in body ? await catalogService.createSlots(q, body.slots) : await catalogService.createSlotSeries(q, body.series),
        }));
        return sendOutcome(reply, out);
      },
    );

    app.get(
      '/api/v1/admin/slots',
      {
        schema: {
          tags: ['admin'],
          security,
          summary: 'A campaign’s slots in time order, picked by centre, dose, local day and release; `more` says the limit left some out',
          querystring: Strict({
            campaignId: Id,
            centerId: Type.Optional(Id),
            dose: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 })),
            from: Type.Optional(Type.Union([Day], { description: 'First local day at the centre' })),
            to: Type.Optional(Type.Union([Day], { description: 'Last local day at the centre' })),
            unreleased: Type.Optional(Type.Boolean({ description: 'Only slots in no release yet' })),
            limit: Type.Integer({ minimum: 1, maximum: MAX_RELEASE_SLOTS, default: 5000 }),
          }),
          response: errors(400, 401),
        },
      },
      // An account limited to some centres sees their slots only, whether or not it names one.
      async (request) => catalogService.listSlots(db, { ...request.query, centerIds: request.staff?.centerIds ?? null }),
    );

    const ReleaseBody = Strict({
      campaignId: Id,
      slotIds: Type.Array(Id, { minItems: 1, maxItems: MAX_RELEASE_SLOTS }),
      opensAt: Instant,
      waitingRoom: Type.Optional(Type.Boolean()),
      waitlistShare: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Share of each first-dose slot kept for the wait list' })),
      waitlistMinutes: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 30 * 24 * 60, description: 'How long after opensAt the kept share stays with the wait list (default 60)' }),
      ),
      phoneShare: Type.Optional(Type.Number({ minimum: 0, maximum: 0.9, description: 'Share of each first-dose slot kept for the hotline until phoneUntil' })),
      phoneUntil: Type.Optional(Instant),
      prequeueMinutes: Type.Optional(
        Type.Integer({ minimum: 0, maximum: 7 * 24 * 60, description: 'How long before opensAt the pre-queue opens (default 30)' }),
      ),
      expectedCrowd: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'People expected at the opening (for the checklist)' })),
      acknowledge: Type.Optional(
        Type.Union([Type.Literal('all'), Type.Array(Text({ maxLength: 40 }), { maxItems: 10 })], {
          description: 'Checklist warnings (codes) to schedule despite, or "all"',
        }),
      ),
    });

    app.post(
      '/api/v1/admin/releases/checklist',
      {
        bodyLimit: ADMIN_BODY_LIMIT,
        schema: {
          tags: ['admin'],
          security,
          summary: 'The release checklist for a planned release, without creating it',
          body: ReleaseBody,
          response: errors(400, 401, 403),
        },
      },
      async (request) => ({ warnings: await releaseChecklist(db, request.body, checklist) }),
    );

    app.post(
      '/api/v1/admin/releases',
      {
        bodyLimit: ADMIN_BODY_LIMIT,
        schema: {
          tags: ['admin'],
          security,
          summary: 'Announce a release: its slots become bookable at opensAt (database clock). Refused with the checklist warnings unless each is acknowledged',
          body: ReleaseBody,
          response: { ...errors(400, 401, 404, 409) },
        },
      },
      async (request, reply) => {
        const { acknowledge, expectedCrowd: _expected, ...release } = request.body;
        if (release.phoneShare && !release.phoneUntil) fail('VALIDATION_FAILED', 'phoneShare needs phoneUntil: until when the share is kept for callers.');
        const out = await inTransaction(db, request, 201, async (q) => {
          // Created first, so a plan that cannot be made at all says why; refused warnings roll it back.
          const created = await catalogService.createRelease(q, release);
          const warnings = await releaseChecklist(q, request.body, checklist);
          const unacknowledged = acknowledge === 'all' ? [] : warnings.filter((w) => !(acknowledge ?? []).includes(w.code));
          if (unacknowledged.length > 0) fail('RELEASE_CHECKLIST', undefined, { warnings: unacknowledged });
          return { ...created, warnings };
        });
        return sendOutcome(reply, out);
      },
    );

    app.get(
      '/api/v1/admin/releases',
      {
        schema: {
          tags: ['admin'],
          security,
          summary: 'Releases of a campaign with their slots, units and waiting rooms',
          querystring: Strict({ campaignId: Id }),
        },
      },
      async (request) => ({ releases: await catalogService.listReleases(db, request.query.campaignId) }),
    );
  };
