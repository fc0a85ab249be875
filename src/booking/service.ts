import type { Language } from '../languages.js';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { run, together } from '../db/pool.js';
import { AppError, fail } from '../errors.js';
import { formatBookingCode, newBookingCode } from './code.js';
import { checkAgeAndGroup, type EligibilityRules } from './eligibility.js';
import { identityHash } from './identity.js';
import * as sql from './repo.js';
import type { Way } from '../capacity/sql.js';
import { takeUnits, takeUnitsMany, type Granted, type TakenUnits } from './units.js';
import { useAdmissions } from '../queue/repo.js';
import { announceCancellation, announceRebooking, bookingMessages } from '../notify/booking-messages.js';
import { normaliseContact, verifiedAmong } from '../notify/verification.js';
import { enqueueMany, messagesOfBooking } from '../notify/repo.js';
import type { Queryable } from '../db/pool.js';
import type { AppointmentShape, BookingAnswerShape, BookingViewShape, HoldShape, PersonShape } from '../http/schemas.js';
import { dayIn, INSTALLATION_ZONE } from '../time/zone.js';

/** The answers' shapes, derived from the schemas that validate and serialise them (http/schemas.ts). */
export type Appointment = AppointmentShape;
export type Person = PersonShape;
export type BookingView = BookingViewShape;
export type HoldAnswer = HoldShape;
export type BookingAnswer = BookingAnswerShape;

export type Locale = Language;

/**
 * Which way a booking came in, in the capacity's own word (`Way`): the public (the web), a hotline agent
 * (named), or an accepted wait-list offer. ("Channel" is e-mail or SMS, in notify/.)
 */
export interface BookingOrigin {
  way: Way;
  bookedBy: string | null;
}

/** How bookings.channel (and the CSV's "Kanal") has always named a way. */
const STORED_WAY: Record<Way, sql.NewBooking['channel']> = { public: 'web', phone: 'phone', waitlist: 'waitlist' };

/** An agent's hold lives only for the length of its own transaction; the expiry is a safety net. */
const PHONE_HOLD_SECONDS = 60;

/** What an admission token, already verified, grants: one booking on one release. */
export interface Admission {
  ticketId: string;
  releaseId: number;
}

export interface BookingServiceDeps {
  holdTtlSeconds: number;
  identityKey: string;
}

/** Each use case runs inside the transaction it is given (see http/transaction.ts). */
export type BookingService = ReturnType<typeof bookingService>;

/** One public hold request: a slot, and the admission that lets it into a waiting room's release. */
export interface HoldRequest {
  slotId: number;
  admission?: Admission;
}

export interface ConfirmRequest {
  holdId: string;
  person: Person;
  locale: Locale;
  origin: BookingOrigin;
}

const WEB: BookingOrigin = { way: 'public', bookedBy: null };

/** The one answer of a batch of one, or its refusal thrown. */
const only = <T>(results: (T | AppError)[]): T => {
  const [result] = results;
  if (result instanceof AppError) throw result;
  return result!;
};

export function bookingService(deps: BookingServiceDeps) {
  return {
    /**
     * Holds for many requests in one transaction, decided in arrival order: each takes one unit of
     * its slot and, for two doses, one of a matching second-dose slot (both or neither), or is
     * refused and keeps nothing. Answers and refusals come back in the order asked.
     */
    async holdMany(q: pg.ClientBase, requests: HoldRequest[]): Promise<(HoldAnswer | AppError)[]> {
      const admissions = await lockAdmissions(
        q,
        requests.flatMap((r) => (r.admission ? [r.admission.ticketId] : [])),
      );
      const refused = requests.map((r) => (r.admission ? admissionRefusal(admissions.get(r.admission.ticketId)) : null));
      const asked = requests.filter((_, i) => !refused[i]);
      // The holds, by index in `asked`: written with the last second doses taken when every one has its second.
      let written: (sql.NewHold | null)[] | null = null;
      const holdsOf = (granted: (Granted | AppError)[]) =>
        granted.map((g, k) => (g instanceof AppError ? null : newHold(g, asked[k]!.admission?.ticketId ?? null)));
      const taken =
        asked.length === 0
          ? { results: [], after: null }
          : await takeUnitsMany(
              q,
              'public',
              asked.map((r) => ({ slotId: r.slotId, admittedRelease: r.admission?.releaseId ?? null, ticketId: r.admission?.ticketId ?? null })),
              (granted) => {
                written = holdsOf(granted);
                const holds = written.filter((h) => h !== null);
                return holds.length > 0 ? sql.insertHolds(holds, deps.holdTtlSeconds) : null;
              },
            );
      const sent = taken.after === null ? null : written;
      const holds = sent ?? holdsOf(taken.results.map((t) => (t instanceof AppError ? t : grantedOf(t))));
      const results: (HoldAnswer | AppError)[] = [];
      let k = 0;
      for (const i of requests.keys()) {
        if (refused[i]) {
          results.push(refused[i]);
          continue;
        }
        const units = taken.results[k]!;
        const hold = holds[k++];
        if (units instanceof AppError) results.push(units);
        else results.push({ holdId: hold!.id, expiresAt: '', campaignId: hold!.campaignId, appointments: appointmentsOf(units) });
      }
      const toWrite = holds.filter((h) => h !== null);
      if (toWrite.length > 0) {
        const expiresAt = sent
          ? new Date(String((taken.after![0] as { expires_at: string }).expires_at)).toISOString()
          : (await run<{ expires_at: Date }>(q, sql.insertHolds(toWrite, deps.holdTtlSeconds))).rows[0]!.expires_at.toISOString();
        for (const r of results) if (!(r instanceof AppError)) r.expiresAt = expiresAt;
      }
      return results;
    },

    async hold(q: pg.ClientBase, slotId: number, admission?: Admission): Promise<HoldAnswer> {
      return only(await this.holdMany(q, [{ slotId, admission }]));
    },

    /** A hold for a wait-list offer: same capacity rules, its own deadline, open to kept units. */
    async offerHold(q: pg.ClientBase, slotId: number, ttlSeconds: number) {
      const units = await takeUnits(q, 'waitlist', slotId);
      const hold = newHold(grantedOf(units), null);
      const res = await run<{ expires_at: Date }>(q, sql.insertHolds([hold], ttlSeconds));
      return { holdId: hold.id, expiresAt: res.rows[0]!.expires_at, appointments: appointmentsOf(units) };
    },

    /** Gives a hold's units back at once (a declined offer). */
    async releaseHold(q: pg.ClientBase, holdId: string) {
      const res = await run<{ slot_id: number; second_slot_id: number | null }>(q, sql.expireHold(holdId));
      const row = res.rows[0];
      if (row) await run(q, sql.giveBackUnits(slotIdsOf(row)));
    },

    /**
     * A hotline agent's booking for a caller, in the agent's transaction: the unit comes the phone's
     * way (beside the waiting room, from the phone's share first), then the same confirmation as on the web.
     * `allowCenter` stops an agent limited to some centres before anything is kept.
     */
    async bookByPhone(q: pg.ClientBase, slotId: number, person: Person, locale: Locale, bookedBy: string, allowCenter: (centerId: number) => boolean) {
      const units = await takeUnits(q, 'phone', slotId);
      if (!allowCenter(units.first.center_id)) fail('FORBIDDEN', 'Your account is not set up for this centre.');
      const hold = newHold(grantedOf(units), null);
      await run(q, sql.insertHolds([hold], PHONE_HOLD_SECONDS));
      return this.confirm(q, hold.id, person, locale, { way: 'phone', bookedBy });
    },

    /**
     * Turns many live holds into bookings in one transaction. Each hold is locked, checked against
     * its campaign's rules for its person, and booked unless the person already has a booking; a
     * refused request changes nothing. The bookings' messages are written with them.
     */
    async confirmMany(q: pg.ClientBase, requests: ConfirmRequest[]): Promise<(BookingAnswer | AppError)[]> {
      const batch = await lockAndCheckHolds(q, requests, deps.identityKey);
      await refuseUnverifiedContacts(q, batch);
      await refuseOutsideDistricts(q, batch);
      const booked = await insertBookings(q, batch, deps.identityKey);
      if (booked.size > 0) await completeBookings(q, batch, booked, deps.identityKey);
      return batch.results as (BookingAnswer | AppError)[];
    },

    /** Turns a live hold into a booking for this person. */
    async confirm(q: pg.ClientBase, holdId: string, person: Person, locale: Locale = 'de', origin: BookingOrigin = WEB): Promise<BookingAnswer> {
      return only(await this.confirmMany(q, [{ holdId, person, locale, origin }]));
    },

    /**
     * The same rules a confirmation checks, asked before anything is held or sent: lets the
     * web app explain a problem before the person submits. Throws NOT_ELIGIBLE like confirm().
     */
    async precheck(q: Queryable, campaignId: number, person: Pick<Person, 'dateOfBirth' | 'postalCode' | 'priorityGroup'>, day: string) {
      const rules = (await run<sql.CampaignRules>(q, sql.campaignRules(campaignId))).rows[0] ?? fail('CAMPAIGN_NOT_FOUND');
      checkPersonAgainst(rules, person, day);
      if (rules.districts !== null) {
        const refusal = districtRefusal(rules.districts, person.postalCode, await districtsOf(q, [person.postalCode]));
        if (refusal) throw refusal;
      }
      return { eligible: true as const, requireVerifiedContact: rules.require_verified_contact };
    },

    async view(q: Queryable, code: string, dateOfBirth: string): Promise<BookingView> {
      const booking = (await run<sql.BookingRow>(q, sql.bookingByCode(code, dateOfBirth))).rows[0];
      if (!booking) return fail('BOOKING_NOT_FOUND');
      return toView(booking, await appointments(q, slotIdsOf(booking)));
    },

    /** What became of each message about the booking; 'delayed' means it failed once and waits for its next try. */
    async messages(q: Queryable, code: string, dateOfBirth: string) {
      const booking = (await run<sql.BookingRow>(q, sql.bookingByCode(code, dateOfBirth))).rows[0];
      if (!booking) return fail('BOOKING_NOT_FOUND');
      const rows = (
        await run<{ kind: string; channel: string; state: string; attempts: number; createdAt: Date; notBefore: Date; sentAt: Date | null }>(
          q,
          messagesOfBooking(booking.id),
        )
      ).rows;
      return rows.map((m) => ({ ...m, state: m.state === 'queued' && m.attempts > 0 ? 'delayed' : m.state === 'sending' ? 'queued' : m.state }));
    },

    /** Cancels the booking and gives its units back at once. */
    async cancel(q: pg.ClientBase, code: string, dateOfBirth: string): Promise<BookingView> {
      return cancelLocked(q, await lockActiveBooking(q, code, dateOfBirth));
    },

    /** Cancels a booking the check-in desk recorded as missed: the same cancellation as the person's own. */
    async cancelNoShow(q: pg.ClientBase, bookingId: number): Promise<BookingView> {
      const booking = (await run<sql.BookingRow>(q, sql.lockBookingById(bookingId))).rows[0] ?? fail('BOOKING_NOT_FOUND');
      if (booking.status !== 'active') fail('ALREADY_CANCELLED');
      return cancelLocked(q, booking);
    },

    /** Moves the booking to another first-dose slot (and a matching second dose): never both, never none. */
    async rebook(q: pg.ClientBase, code: string, dateOfBirth: string, slotId: number): Promise<BookingView> {
      const booking = await lockActiveBooking(q, code, dateOfBirth);
      if (booking.slot_id === slotId) return toView(booking, await appointments(q, slotIdsOf(booking)));
      const { first, second } = await takeUnits(q, 'public', slotId);
      if (first.campaign_id !== booking.campaign_id) fail('CAMPAIGN_MISMATCH', 'You can only move to an appointment of the same campaign.');
      const rules = (await run<EligibilityRules>(q, sql.campaignRules(booking.campaign_id))).rows[0]!;
      checkAgeAndGroup(rules, booking.date_of_birth, dayIn(first.starts_at, first.center_time_zone), booking.priority_group ?? undefined);
      await run(q, sql.giveBackUnits(slotIdsOf(booking)));
      await run(q, sql.moveBooking(booking.id, first.id, second?.id ?? null));
      const moved = { ...booking, slot_id: first.id, second_slot_id: second?.id ?? null };
      const appts = appointmentsOf({ first, second });
      await announceRebooking(q, contactOf(booking), appts);
      return toView(moved, appts);
    },
  };
}

/** Date of birth, age on the day of the first appointment and priority group. */
function checkPersonAgainst(rules: EligibilityRules, person: Pick<Person, 'dateOfBirth' | 'priorityGroup'>, firstDay: string): void {
  if (person.dateOfBirth > dayIn(new Date(), INSTALLATION_ZONE)) {
    fail('VALIDATION_FAILED', 'The date of birth lies in the future.');
  }
  checkAgeAndGroup(rules, person.dateOfBirth, firstDay, person.priorityGroup);
}

/** For each postal code, the districts it belongs to. */
async function districtsOf(q: Queryable, postalCodes: string[]): Promise<Map<string, string[]>> {
  if (postalCodes.length === 0) return new Map();
  const rows = (await run<{ postal_code: string; districts: string[] }>(q, sql.districtsContaining([...new Set(postalCodes)]))).rows;
  return new Map(rows.map((r) => [r.postal_code, r.districts]));
}

function districtRefusal(districts: string[], postalCode: string, containing: Map<string, string[]>): AppError | null {
  if ((containing.get(postalCode) ?? []).some((d) => districts.includes(d))) return null;
  return new AppError('NOT_ELIGIBLE', `This campaign is for residents of ${districts.join(', ')}; postal code ${postalCode} is not part of it.`, {
    reason: 'DISTRICT',
    districts,
  });
}

/** The refusal a check throws, as a value (null when it passes). */
function refuseSync(check: () => void): AppError | null {
  try {
    check();
    return null;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
}

const personKey = (campaignId: number, hash: Buffer) => `${campaignId}:${hash.toString('hex')}`;

function newBooking(r: ConfirmRequest, hold: sql.HoldForBooking, hash: Buffer): sql.NewBooking {
  return {
    code: '',
    campaignId: hold.campaign_id,
    slotId: hold.slot_id,
    secondSlotId: hold.second_slot_id,
    holdId: hold.id,
    identityHash: hash,
    firstName: r.person.firstName.trim(),
    lastName: r.person.lastName.trim(),
    dateOfBirth: r.person.dateOfBirth,
    postalCode: r.person.postalCode,
    email: r.person.email ?? null,
    phone: r.person.phone ?? null,
    priorityGroup: r.person.priorityGroup ?? null,
    locale: r.locale,
    channel: STORED_WAY[r.origin.way],
    bookedBy: r.origin.bookedBy,
  };
}

const newHold = (granted: Granted, ticketId: string | null): sql.NewHold => ({
  id: randomUUID(),
  campaignId: granted.first.campaign_id,
  slotId: granted.first.id,
  secondSlotId: granted.secondSlotId,
  ticketId,
});

const grantedOf = (units: TakenUnits): Granted => ({ first: units.first, secondSlotId: units.second?.id ?? null });

const appointmentsOf = (units: TakenUnits): Appointment[] => [units.first, ...(units.second ? [units.second] : [])].map(toAppointment);

/** A batch of confirmations while it is written: each request's hold and its answer so far (null: still open). */
interface ConfirmBatch {
  requests: ConfirmRequest[];
  holds: Map<string, sql.HoldForBooking>;
  results: (BookingAnswer | AppError | null)[];
}

/** The requests not refused so far, with their holds. */
const stillOpen = (b: ConfirmBatch) => b.requests.flatMap((r, i) => (b.results[i] === null ? [{ r, i, hold: b.holds.get(r.holdId)! }] : []));

/** Locks the holds (the expiry sweep skips them meanwhile) and checks what each request can be told without asking further. */
async function lockAndCheckHolds(q: pg.ClientBase, requests: ConfirmRequest[], identityKey: string): Promise<ConfirmBatch> {
  const holds = new Map((await run<sql.HoldForBooking>(q, sql.lockHoldsForBooking(requests.map((r) => r.holdId)))).rows.map((h) => [h.id, h]));
  const results = requests.map((r) =>
    refuseSync(() => {
      const hold = holds.get(r.holdId) ?? fail('HOLD_NOT_FOUND');
      assertHoldUsable(hold);
      checkPersonAgainst(hold, r.person, hold.first_day);
      // Contacts are checked as typed, so the confirmation goes where the person can read it.
      if (r.person.phone) normaliseContact('sms', r.person.phone);
      if (r.person.email) normaliseContact('email', r.person.email);
      // A place in line bound to a person books that person: the binding would mean nothing otherwise.
      if (hold.bound_person && !hold.bound_person.equals(identityHash(identityKey, r.person))) fail('ADMISSION_OTHER_PERSON');
    }),
  );
  return { requests, holds, results };
}

/** Campaigns that require it book only with a contact verified recently. */
async function refuseUnverifiedContacts(q: pg.ClientBase, batch: ConfirmBatch): Promise<void> {
  const contactsOf = (p: Person) => [...(p.email ? [normaliseContact('email', p.email)] : []), ...(p.phone ? [normaliseContact('sms', p.phone)] : [])];
  const mustVerify = stillOpen(batch).filter((o) => o.hold.require_verified_contact);
  const verified = await verifiedAmong(
    q,
    mustVerify.flatMap((o) => contactsOf(o.r.person)),
  );
  for (const o of mustVerify) if (!contactsOf(o.r.person).some((c) => verified.has(c))) batch.results[o.i] = new AppError('CONTACT_NOT_VERIFIED');
}

/** Campaigns limited to districts book people whose postal code lies in one of them. */
async function refuseOutsideDistricts(q: pg.ClientBase, batch: ConfirmBatch): Promise<void> {
  const local = stillOpen(batch).filter((o) => o.hold.districts !== null);
  const containing = await districtsOf(
    q,
    local.map((o) => o.r.person.postalCode),
  );
  for (const o of local) batch.results[o.i] = districtRefusal(o.hold.districts!, o.r.person.postalCode, containing);
}

/**
 * Inserts the bookings with random codes in one statement. A row left out is a person already
 * booked (the partial unique index, within the batch too) or, once in a million, a code that
 * collides: those go again with new codes. Returns the booked requests by index.
 */
async function insertBookings(q: pg.ClientBase, batch: ConfirmBatch, identityKey: string): Promise<Map<number, { id: number; code: string }>> {
  const rows = new Map(stillOpen(batch).map((o) => [o.i, newBooking(o.r, o.hold, identityHash(identityKey, o.r.person))]));
  const booked = new Map<number, { id: number; code: string }>();
  for (let round = 0; rows.size > 0; round++) {
    if (round === 5) throw new Error('no free booking code after five tries');
    for (const b of rows.values()) b.code = newBookingCode();
    const written = new Map((await run<{ id: number; hold_id: string }>(q, sql.insertBookings([...rows.values()]))).rows.map((w) => [w.hold_id, w.id]));
    const missing = [...rows].filter(([, b]) => !written.has(b.holdId));
    for (const [i, b] of rows) if (written.has(b.holdId)) booked.set(i, { id: written.get(b.holdId)!, code: b.code });
    const active =
      missing.length === 0
        ? new Set<string>()
        : new Set(
            (
              await run<{ campaign_id: number; identity_hash: Buffer }>(
                q,
                sql.activeIdentities(
                  missing.map(([, b]) => b.campaignId),
                  missing.map(([, b]) => b.identityHash),
                ),
              )
            ).rows.map((a) => personKey(a.campaign_id, a.identity_hash)),
          );
    for (const [i] of [...rows]) if (booked.has(i)) rows.delete(i);
    for (const [i, b] of missing) {
      if (!active.has(personKey(b.campaignId, b.identityHash))) continue;
      batch.results[i] = new AppError('ALREADY_BOOKED');
      rows.delete(i);
    }
  }
  return booked;
}

/**
 * Consumes the booked holds, uses their admissions, settles wait-list entries and writes the bookings' messages,
 * in one statement (they do not depend on each other), and gives each request its answer.
 */
async function completeBookings(q: pg.ClientBase, batch: ConfirmBatch, booked: Map<number, { id: number; code: string }>, identityKey: string): Promise<void> {
  const done = [...booked].map(([i, b]) => ({ i, r: batch.requests[i]!, hold: batch.holds.get(batch.requests[i]!.holdId)!, booking: b }));
  const messages = done.flatMap((d) => {
    const answer = {
      bookingCode: formatBookingCode(d.booking.code),
      campaignId: d.hold.campaign_id,
      appointments: [sql.slotRowOf(d.hold, 'first_'), sql.slotRowOf(d.hold, 'second_')].flatMap((slot) => (slot ? [toAppointment(slot)] : [])),
    };
    batch.results[d.i] = answer;
    return bookingMessages(
      { id: d.booking.id, code: answer.bookingCode, email: d.r.person.email ?? null, phone: d.r.person.phone ?? null, locale: d.r.locale },
      answer.appointments,
    );
  });
  const tickets = done.flatMap((d) => (d.hold.ticket_id ? [d.hold.ticket_id] : []));
  const [consumed] = (
    await run<{ changed: number[] }>(
      q,
      together([
        sql.consumeHolds(done.map((d) => d.hold.id)),
        // Booked by another way: these people's places on the wait list are no longer needed.
        sql.settleWaitlistEntries(
          done.map((d) => d.hold.campaign_id),
          done.map((d) => identityHash(identityKey, d.r.person)),
        ),
        ...(tickets.length > 0 ? [useAdmissions(tickets)] : []),
        // The messages are written with the bookings; the answers already carry everything.
        ...(messages.length > 0 ? [enqueueMany(messages)] : []),
      ]),
    )
  ).rows[0]!.changed;
  if (consumed !== done.length) throw new Error('a locked hold could not be consumed');
}

/**
 * Locks the admissions (ticket rows) of a batch. Whether one already holds a unit is asked by the statement
 * that takes the units, the next one (repo.ts takeFirstDoses): one round trip fewer under the locks.
 */
async function lockAdmissions(q: pg.ClientBase, tickets: string[]): Promise<Map<string, sql.AdmissionRow>> {
  if (tickets.length === 0) return new Map();
  const locked = (await run<sql.AdmissionRow>(q, sql.lockAdmissions(tickets))).rows;
  return new Map(locked.map((t) => [t.id, t]));
}

function admissionRefusal(ticket: sql.AdmissionRow | undefined): AppError | null {
  if (!ticket) return new AppError('ADMISSION_INVALID');
  if (ticket.state === 'used') return new AppError('ADMISSION_USED');
  if (ticket.state !== 'admitted' || !ticket.live) return new AppError('ADMISSION_EXPIRED');
  return null;
}

function assertHoldUsable(hold: sql.HoldForBooking): void {
  if (hold.status === 'confirmed') fail('HOLD_ALREADY_USED');
  if (hold.status === 'expired' || hold.expired) fail('HOLD_EXPIRED');
}

/**
 * The one cancellation, whoever asks: the booking is cancelled, its units given back, every message
 * still waiting about it dropped (reminders, an unsent confirmation), and the person told.
 */
async function cancelLocked(q: pg.ClientBase, booking: sql.BookingRow): Promise<BookingView> {
  await run(q, sql.cancelBooking(booking.id));
  await run(q, sql.giveBackUnits(slotIdsOf(booking)));
  const appts = await appointments(q, slotIdsOf(booking));
  await announceCancellation(q, contactOf(booking), appts);
  return toView({ ...booking, status: 'cancelled', cancelled_at: new Date() }, appts);
}

async function lockActiveBooking(q: pg.ClientBase, code: string, dateOfBirth: string): Promise<sql.BookingRow> {
  const booking = (await run<sql.BookingRow>(q, sql.bookingByCode(code, dateOfBirth, true))).rows[0];
  if (!booking) return fail('BOOKING_NOT_FOUND');
  if (booking.status !== 'active') return fail('ALREADY_CANCELLED');
  return booking;
}

const contactOf = (b: sql.BookingRow) => ({ id: b.id, code: formatBookingCode(b.code), email: b.email, phone: b.phone, locale: b.locale });

const slotIdsOf = (b: { slot_id: number; second_slot_id: number | null }): number[] =>
  b.second_slot_id === null ? [b.slot_id] : [b.slot_id, b.second_slot_id];

async function appointments(q: Queryable, slotIds: number[]): Promise<Appointment[]> {
  return (await run<sql.SlotRow>(q, sql.slotsWithCenters(slotIds))).rows.map(toAppointment);
}

function toAppointment(s: sql.SlotRow): Appointment {
  return {
    slotId: s.id,
    dose: s.dose,
    startsAt: s.starts_at.toISOString(),
    durationMinutes: s.duration_minutes,
    center: {
      id: s.center_id,
      name: s.center_name,
      address: s.center_address,
      postalCode: s.center_postal_code,
      lat: s.center_lat,
      lon: s.center_lon,
      timeZone: s.center_time_zone,
    },
  };
}

function toView(b: sql.BookingRow, appts: Appointment[]): BookingView {
  return {
    bookingCode: formatBookingCode(b.code),
    status: b.status === 'cancelled' ? 'cancelled' : 'active',
    campaignId: b.campaign_id,
    appointments: appts,
    person: { firstName: b.first_name, lastName: b.last_name },
    createdAt: b.created_at.toISOString(),
    cancelledAt: b.cancelled_at?.toISOString() ?? null,
  };
}
