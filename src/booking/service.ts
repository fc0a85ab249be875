import type pg from 'pg';
import { PG, pgCode, pgConstraint, run } from '../db/pool.js';
import { fail } from '../http/errors.js';
import { formatBookingCode, newBookingCode } from './code.js';
import { checkAgeAndGroup, type EligibilityRules } from './eligibility.js';
import { identityHash } from './identity.js';
import * as sql from './repo.js';
import { useAdmission } from '../queue/repo.js';
import { announceBooking, announceCancellation, announceRebooking } from '../notify/booking-messages.js';
import { anyVerified, normaliseContact } from '../notify/verification.js';
import { messagesOfBooking } from '../notify/repo.js';
import type { Queryable } from '../db/pool.js';

export interface Appointment {
  slotId: number;
  dose: number;
  startsAt: string;
  durationMinutes: number;
  center: { id: number; name: string; address: string; postalCode: string; lat: number; lon: number };
}

export interface Person {
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  postalCode: string;
  email?: string;
  phone?: string;
  priorityGroup?: string;
}

export type Locale = 'de' | 'en';

export interface BookingView {
  bookingCode: string;
  status: 'active' | 'cancelled';
  campaignId: number;
  appointments: Appointment[];
  person: { firstName: string; lastName: string };
  createdAt: string;
  cancelledAt: string | null;
}

/** How a booking came in: the web, a hotline agent (named), or an accepted wait-list offer. */
export interface BookingOrigin {
  channel: 'web' | 'phone' | 'waitlist';
  bookedBy: string | null;
}

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

export function bookingService(deps: BookingServiceDeps) {
  return {
    /** Takes one unit of the slot and, for two doses, one of a matching second-dose slot: both or neither. */
    async hold(q: pg.ClientBase, slotId: number, admission?: Admission) {
      if (admission) await checkAdmission(q, admission.ticketId);
      const { first, second } = await takeUnits(q, slotId, admission?.releaseId ?? null);
      const res = await run<{ id: string; expires_at: Date }>(
        q,
        sql.insertHold(first.campaign_id, first.id, second?.id ?? null, deps.holdTtlSeconds, admission?.ticketId ?? null),
      ).catch((err: unknown) => {
        // One live hold per admission: a second tab cannot hoard a second appointment.
        if (pgCode(err) === PG.uniqueViolation && pgConstraint(err) === 'one_live_hold_per_admission') return fail('ADMISSION_IN_USE');
        throw err;
      });
      const hold = res.rows[0]!;
      return {
        holdId: hold.id,
        expiresAt: hold.expires_at.toISOString(),
        campaignId: first.campaign_id,
        appointments: [first, ...(second ? [second] : [])].map(toAppointment),
      };
    },

    /** A hold for a wait-list offer: same capacity rules, its own deadline, open to kept units. */
    async offerHold(q: pg.ClientBase, slotId: number, ttlSeconds: number) {
      const { first, second } = await takeUnits(q, slotId, null, 'waitlist');
      const hold = (await run<{ id: string; expires_at: Date }>(q, sql.insertHold(first.campaign_id, first.id, second?.id ?? null, ttlSeconds, null))).rows[0]!;
      return { holdId: hold.id, expiresAt: hold.expires_at, appointments: [first, ...(second ? [second] : [])].map(toAppointment) };
    },

    /** Gives a hold's units back at once (a declined offer). */
    async releaseHold(q: pg.ClientBase, holdId: string) {
      const res = await run<{ slot_id: number; second_slot_id: number | null }>(q, sql.expireHold(holdId));
      const row = res.rows[0];
      if (row) await run(q, sql.releaseUnits(slotIdsOf(row)));
    },

    /**
     * A hotline agent's booking for a caller, in the agent's transaction: the unit comes the phone's
     * way (beside the waiting room, from the phone's share first), then the same confirmation as on the web.
     * `allowCenter` stops an agent limited to some centres before anything is kept.
     */
    async bookByPhone(q: pg.ClientBase, slotId: number, person: Person, locale: Locale, bookedBy: string, allowCenter: (centerId: number) => boolean) {
      const { first, second } = await takeUnits(q, slotId, null, 'phone');
      if (!allowCenter(first.center_id)) fail('FORBIDDEN', 'Your account is not set up for this centre.');
      const hold = (await run<{ id: string }>(q, sql.insertHold(first.campaign_id, first.id, second?.id ?? null, PHONE_HOLD_SECONDS, null))).rows[0]!;
      return this.confirm(q, hold.id, person, locale, { channel: 'phone', bookedBy });
    },

    /** Turns a live hold into a booking for this person. */
    async confirm(q: pg.ClientBase, holdId: string, person: Person, locale: Locale = 'de', origin: BookingOrigin = { channel: 'web', bookedBy: null }) {
      const hold = (await run<sql.HoldForBooking>(q, sql.holdForBooking(holdId))).rows[0];
      if (!hold) return fail('HOLD_NOT_FOUND');
      assertHoldUsable(hold);
      await checkEligibility(q, hold, person);
      if ((await run(q, sql.consumeHold(holdId))).rowCount !== 1) {
        // Swept or used by a concurrent request between our read and this update.
        assertHoldUsable((await run<sql.HoldForBooking>(q, sql.holdForBooking(holdId))).rows[0]!);
        return fail('HOLD_EXPIRED');
      }
      if (hold.ticket_id !== null) await run(q, useAdmission(hold.ticket_id));
      const booking = await insertBooking(q, {
        code: '',
        campaignId: hold.campaign_id,
        slotId: hold.slot_id,
        secondSlotId: hold.second_slot_id,
        holdId,
        identityHash: identityHash(deps.identityKey, person),
        firstName: person.firstName.trim(),
        lastName: person.lastName.trim(),
        dateOfBirth: person.dateOfBirth,
        postalCode: person.postalCode,
        email: person.email ?? null,
        phone: person.phone ?? null,
        priorityGroup: person.priorityGroup ?? null,
        locale,
        ...origin,
      });
      // Booked by another way: this person's place on the wait list is no longer needed.
      await run(q, sql.settleWaitlistEntry(hold.campaign_id, identityHash(deps.identityKey, person)));
      const slots = [hold.slot_id, ...(hold.second_slot_id ? [hold.second_slot_id] : [])];
      const appts = await appointments(q, slots);
      const bookingCode = formatBookingCode(booking.code);
      // The messages are written with the booking; the answer below already carries everything.
      await announceBooking(q, { id: booking.id, code: bookingCode, email: person.email ?? null, phone: person.phone ?? null, locale }, appts);
      return { bookingCode, campaignId: hold.campaign_id, appointments: appts };
    },

    /**
     * The same rules a confirmation checks, asked before anything is held or sent: lets the
     * web app explain a problem before the person submits. Throws NOT_ELIGIBLE like confirm().
     */
    async precheck(q: Queryable, campaignId: number, person: Pick<Person, 'dateOfBirth' | 'postalCode' | 'priorityGroup'>, day: Date) {
      const rules = (await run<sql.CampaignRules>(q, sql.campaignRules(campaignId))).rows[0] ?? fail('CAMPAIGN_NOT_FOUND');
      checkPersonAgainst(rules, person, day);
      await checkDistrict(q, rules, person.postalCode);
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
      const rows = (await run<{ kind: string; channel: string; state: string; attempts: number; createdAt: Date; notBefore: Date; sentAt: Date | null }>(q, messagesOfBooking(booking.id))).rows;
      return rows.map((m) => ({ ...m, state: m.state === 'queued' && m.attempts > 0 ? 'delayed' : m.state === 'sending' ? 'queued' : m.state }));
    },

    /** Cancels the booking and gives its units back at once. */
    async cancel(q: pg.ClientBase, code: string, dateOfBirth: string): Promise<BookingView> {
      const booking = await lockActiveBooking(q, code, dateOfBirth);
      await run(q, sql.cancelBooking(booking.id));
      await run(q, sql.releaseUnits(slotIdsOf(booking)));
      const appts = await appointments(q, slotIdsOf(booking));
      await announceCancellation(q, contactOf(booking), appts);
      return toView({ ...booking, status: 'cancelled', cancelled_at: new Date() }, appts);
    },

    /** Moves the booking to another first-dose slot (and a matching second dose): never both, never none. */
    async rebook(q: pg.ClientBase, code: string, dateOfBirth: string, slotId: number): Promise<BookingView> {
      const booking = await lockActiveBooking(q, code, dateOfBirth);
      if (booking.slot_id === slotId) return toView(booking, await appointments(q, slotIdsOf(booking)));
      const { first, second } = await takeUnits(q, slotId, null);
      if (first.campaign_id !== booking.campaign_id) fail('CAMPAIGN_MISMATCH', 'You can only move to an appointment of the same campaign.');
      const rules = (await run<EligibilityRules>(q, sql.campaignRules(booking.campaign_id))).rows[0]!;
      checkAgeAndGroup(rules, booking.date_of_birth, first.starts_at, booking.priority_group ?? undefined);
      await run(q, sql.releaseUnits(slotIdsOf(booking)));
      await run(q, sql.moveBooking(booking.id, first.id, second?.id ?? null));
      const moved = { ...booking, slot_id: first.id, second_slot_id: second?.id ?? null };
      const appts = [first, ...(second ? [second] : [])].map(toAppointment);
      await announceRebooking(q, contactOf(booking), appts);
      return toView(moved, appts);
    },
  };

  async function checkEligibility(q: Queryable, hold: sql.HoldForBooking, person: Person): Promise<void> {
    checkPersonAgainst(hold, person, hold.starts_at);
    if (hold.require_verified_contact) {
      const contacts = [
        ...(person.email ? [normaliseContact('email', person.email)] : []),
        ...(person.phone ? [normaliseContact('sms', person.phone)] : []),
      ];
      if (!(await anyVerified(q, contacts))) fail('CONTACT_NOT_VERIFIED');
    }
    await checkDistrict(q, hold, person.postalCode);
  }
}

/** Date of birth, age on the day of the first appointment and priority group. */
function checkPersonAgainst(rules: EligibilityRules, person: Pick<Person, 'dateOfBirth' | 'priorityGroup'>, firstAppointment: Date): void {
  if (person.dateOfBirth > new Date().toISOString().slice(0, 10)) {
    fail('VALIDATION_FAILED', 'The date of birth lies in the future.');
  }
  checkAgeAndGroup(rules, person.dateOfBirth, firstAppointment, person.priorityGroup);
}

async function checkDistrict(q: Queryable, rules: Pick<sql.CampaignRules, 'districts'>, postalCode: string): Promise<void> {
  if (rules.districts === null) return;
  if ((await run(q, sql.districtContains(rules.districts, postalCode))).rowCount === 1) return;
  fail('NOT_ELIGIBLE', `This campaign is for residents of ${rules.districts.join(', ')}; postal code ${postalCode} is not part of it.`, {
    reason: 'DISTRICT',
    districts: rules.districts,
  });
}

/** Which way a unit is taken: the public (maybe admitted by a waiting room), the wait list, or the hotline. */
type Way = 'public' | 'waitlist' | 'phone';

async function takeUnits(q: pg.ClientBase, slotId: number, admittedRelease: number | null, way: Way = 'public') {
  try {
    const take =
      way === 'waitlist' ? sql.takeFirstDoseUnitForWaitlist(slotId) : way === 'phone' ? sql.takeFirstDoseUnitForPhone(slotId) : sql.takeFirstDoseUnit(slotId, admittedRelease);
    const first = (await run<sql.TakenFirstUnit>(q, take)).rows[0] ?? (await explainUntakeable(q, slotId, way === 'public' ? admittedRelease : undefined));
    const second = first.doses === 2 ? await takeSecondDose(q, first) : null;
    return { first, second };
  } catch (err) {
    // The conditional UPDATEs never let `taken` pass `capacity`; should one ever try, the
    // CHECK stops it and the person hears what it means.
    if (pgCode(err) === PG.checkViolation && pgConstraint(err) === 'slot_not_overbooked') return fail('SLOT_FULL');
    throw err;
  }
}

/**
 * Many holds race for the same earliest second-dose slot. A candidate that fills up
 * between our SELECT and UPDATE makes the UPDATE find no row; then we look again,
 * and give up only when no candidate is left.
 */
async function takeSecondDose(q: pg.ClientBase, first: sql.TakenFirstUnit): Promise<sql.SlotRow> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const candidate = (await run<{ id: number }>(q, sql.findSecondDoseCandidate(first))).rows[0];
    if (!candidate) break;
    const taken = (await run<sql.SlotRow>(q, sql.takeSecondDoseUnit(candidate.id))).rows[0];
    if (taken) return taken;
  }
  return fail('NO_SECOND_DOSE_SLOT', undefined, {
    minIntervalDays: first.min_interval_days,
    maxIntervalDays: first.max_interval_days,
  });
}

/** The admission must still be live; the row lock keeps the controller from lapsing it under us. */
async function checkAdmission(q: pg.ClientBase, ticketId: string): Promise<void> {
  const ticket = (await q.query<{ state: string; live: boolean }>(
    `SELECT state, admission_expires_at > now() AS live FROM queue_tickets WHERE id = $1 FOR UPDATE`,
    [ticketId],
  )).rows[0];
  if (!ticket) fail('ADMISSION_INVALID');
  if (ticket!.state === 'used') fail('ADMISSION_USED');
  if (ticket!.state !== 'admitted' || !ticket!.live) fail('ADMISSION_EXPIRED');
}

/** `admittedRelease` undefined: a way in that does not go through waiting rooms. */
async function explainUntakeable(q: pg.ClientBase, slotId: number, admittedRelease: number | null | undefined): Promise<never> {
  const state = (await run<sql.SlotState>(q, sql.slotState(slotId))).rows[0];
  if (!state) return fail('SLOT_NOT_FOUND');
  if (state.dose !== 1) return fail('WRONG_DOSE', 'Choose a first-dose appointment; the second one is found for you.');
  if (!state.released) {
    return fail('NOT_RELEASED', undefined, state.opens_at ? { opensAt: state.opens_at.toISOString() } : undefined);
  }
  if (state.past) return fail('SLOT_IN_PAST');
  if (admittedRelease !== undefined && state.waiting_room && state.release_id !== admittedRelease) {
    return admittedRelease === null
      ? fail('ADMISSION_REQUIRED', undefined, { releaseId: state.release_id })
      : fail('ADMISSION_INVALID', 'This admission is for another release.', { releaseId: state.release_id });
  }
  return fail('SLOT_FULL');
}

function assertHoldUsable(hold: sql.HoldForBooking): void {
  if (hold.status === 'confirmed') fail('HOLD_ALREADY_USED');
  if (hold.status === 'expired' || hold.expired) fail('HOLD_EXPIRED');
}

async function insertBooking(q: pg.ClientBase, booking: sql.NewBooking): Promise<{ id: number; code: string }> {
  // A new code collides about once in a million bookings; ON CONFLICT (code) makes that a retry.
  for (;;) {
    const code = newBookingCode();
    try {
      const res = await run<{ id: number }>(q, sql.insertBooking({ ...booking, code }));
      if (res.rowCount === 1) return { id: res.rows[0]!.id, code };
    } catch (err) {
      // The partial unique index is the one rule we expect to trip: the person is already booked.
      if (pgCode(err) === PG.uniqueViolation && pgConstraint(err) === 'one_active_booking_per_person') {
        return fail('ALREADY_BOOKED');
      }
      throw err;
    }
  }
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
