import type { Language } from '../languages.js';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { PG, pgCode, pgConstraint, run, tx, type Db, type Queryable } from '../db/pool.js';
import { AppError, fail } from '../errors.js';
import { identityHash } from '../booking/identity.js';
import type { BookingService, Person } from '../booking/service.js';
import { postalCodeCentroid } from '../availability/geo.js';
import { anyVerified, normaliseContact, recipientOf } from '../notify/verification.js';
import { enqueue } from '../notify/repo.js';
import { offerMessage, offerSms, type AppointmentText } from '../notify/templates.js';
import { campaignRules } from '../booking/repo.js';
import * as sql from './repo.js';

export interface JoinInput {
  campaignId: number;
  person: Person;
  preferences?: { maxDistanceKm?: number; centerIds?: number[]; earliest?: string; latest?: string; weekdays?: number[] };
  locale?: Language;
  channel?: 'web' | 'phone';
}

export interface WaitlistDeps {
  db: Db;
  bookings: BookingService;
  identityKey: string;
  publicUrl: string;
  /** How long a person has to answer an offer; a third of it for a slot later the same day. */
  offerMinutes: number;
}

const secretHash = (secret: string) => createHash('sha256').update(secret).digest();
const newSecret = () => randomBytes(18).toString('base64url');
const matches = (secret: string, hash: Buffer) => {
  const given = secretHash(secret);
  return given.length === hash.length && timingSafeEqual(given, hash);
};

export type WaitlistService = ReturnType<typeof waitlistService>;

export function waitlistService(deps: WaitlistDeps) {
  const { db } = deps;

  async function entryFor(q: Queryable, entryId: number, secret: string, lock = false) {
    const e = (await run<sql.EntryRow>(q, sql.entry(entryId, lock))).rows[0];
    if (!e || !matches(secret, e.secret_hash)) return fail('NOT_FOUND', 'No wait-list entry matches this link.');
    return e;
  }

  /** An offer is opened by its own link, or by the link of the entry it belongs to. */
  async function offerFor(q: pg.ClientBase, offerId: string, secret: string) {
    const o = (await run<sql.OfferRow>(q, sql.offer(offerId, true))).rows[0];
    if (!o) return fail('NOT_FOUND', 'No offer matches this link.');
    const e = (await run<sql.EntryRow>(q, sql.entry(o.entry_id, true))).rows[0]!;
    if (!matches(secret, o.secret_hash) && !matches(secret, e.secret_hash)) return fail('NOT_FOUND', 'No offer matches this link.');
    return { o, e };
  }

  return {
    /** How the campaign's wait list is served: entries and offers by state. */
    summary: async (campaignId: number) => (await run(db, sql.waitlistSummary(campaignId))).rows[0],

    /** `within` runs in the joining transaction (the staff audit entry of an agent's join). */
    async join(input: JoinInput, within?: (q: Queryable, entryId: number) => Promise<void>) {
      const { person } = input;
      const origin = postalCodeCentroid(person.postalCode) ?? fail('UNKNOWN_POSTAL_CODE');
      const secret = newSecret();
      const id = await tx(db, async (q) => {
        const rules = (await run<{ priority_groups: string[] | null }>(q, campaignRules(input.campaignId))).rows[0] ?? fail('CAMPAIGN_NOT_FOUND');
        const contacts = [...(person.email ? [normaliseContact('email', person.email)] : []), ...(person.phone ? [normaliseContact('sms', person.phone)] : [])];
        // An agent vouches for a caller's number; on the web the contact must be verified by code.
        if (input.channel !== 'phone' && !(await anyVerified(q, contacts)))
          fail('CONTACT_NOT_VERIFIED', 'Verify your phone number or e-mail address first: offers are sent there.');
        if (contacts.length === 0) fail('VALIDATION_FAILED', 'A phone number or e-mail address is needed to send offers.');
        const hash = identityHash(deps.identityKey, person);
        if ((await run(q, sql.activeBookingOf(input.campaignId, hash))).rowCount === 1) fail('ALREADY_BOOKED');
        const p = input.preferences ?? {};
        try {
          const entryId = (
            await run<{ id: number }>(
              q,
              sql.insertEntry({
                campaignId: input.campaignId,
                secretHash: secretHash(secret),
                identityHash: hash,
                firstName: person.firstName.trim(),
                lastName: person.lastName.trim(),
                dateOfBirth: person.dateOfBirth,
                postalCode: person.postalCode,
                email: person.email ?? null,
                phone: person.phone ?? null,
                locale: input.locale ?? 'de',
                priorityGroup: person.priorityGroup ?? null,
                priority: person.priorityGroup && rules.priority_groups?.includes(person.priorityGroup) ? 0 : 1,
                lat: origin.lat,
                lon: origin.lon,
                maxDistanceKm: p.maxDistanceKm ?? null,
                centerIds: p.centerIds ?? null,
                earliest: p.earliest ?? null,
                latest: p.latest ?? null,
                weekdays: p.weekdays ?? null,
                channel: input.channel ?? 'web',
              }),
            )
          ).rows[0]!.id;
          if (within) await within(q, entryId);
          return entryId;
        } catch (err) {
          // The one rule we expect to trip: this person is already on this wait list.
          if (pgCode(err) === PG.uniqueViolation && pgConstraint(err) === 'one_waitlist_entry_per_person') return fail('ALREADY_ON_WAITLIST');
          throw err;
        }
      });
      return { secret, ...(await this.status(id, secret)) };
    },

    async status(entryId: number, secret: string) {
      const e = await entryFor(db, entryId, secret);
      const ahead = e.state === 'waiting' ? (await run<{ n: number }>(db, sql.entriesAhead(e))).rows[0]!.n : null;
      const open = (await run<{ id: string }>(db, sql.openOfferOfEntry(e.id))).rows[0];
      return {
        entryId: e.id,
        campaignId: e.campaign_id,
        state: e.state,
        position: ahead === null ? null : ahead + 1,
        offerId: open?.id ?? null,
        joinedAt: e.joined_at.toISOString(),
      };
    },

    async leave(entryId: number, secret: string) {
      await tx(db, async (q) => {
        const e = await entryFor(q, entryId, secret, true);
        const open = (await run<{ id: string }>(q, sql.openOfferOfEntry(e.id))).rows[0];
        if (open) await declineOpen(q, open.id);
        await run(q, sql.setEntryState(e.id, 'left'));
      });
      return { entryId, state: 'left' };
    },

    async offer(offerId: string, secret: string) {
      return tx(db, async (q) => {
        const { o, e } = await offerFor(q, offerId, secret);
        const appts = (await run(q, sql.offerAppointments(o.hold_id))).rows;
        return {
          offerId: o.id,
          entryId: e.id,
          state: o.state === 'open' && o.expired ? 'expired' : o.state,
          expiresAt: o.expires_at.toISOString(),
          appointments: appts,
        };
      });
    },

    /** Accept: the reserved hold becomes the booking, with the same rules as any booking. */
    async accept(offerId: string, secret: string) {
      return tx(db, async (q) => {
        const { o, e } = await offerFor(q, offerId, secret);
        if (o.state !== 'open') return fail(o.state === 'expired' ? 'OFFER_EXPIRED' : 'OFFER_CLOSED');
        if (o.expired) return fail('OFFER_EXPIRED');
        const person: Person = {
          firstName: e.first_name,
          lastName: e.last_name,
          dateOfBirth: e.date_of_birth,
          postalCode: e.postal_code,
          email: e.email ?? undefined,
          phone: e.phone ?? undefined,
          priorityGroup: e.priority_group ?? undefined,
        };
        const booking = await deps.bookings.confirm(q, o.hold_id, person, e.locale, { way: 'waitlist', bookedBy: null });
        await run(q, sql.decideOffer(o.id, 'accepted'));
        await run(q, sql.setEntryState(e.id, 'booked'));
        return booking;
      }).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'HOLD_EXPIRED') throw new AppError('OFFER_EXPIRED');
        throw err;
      });
    },

    /** Decline: the units go back at once, to the next person in line; this person stays in line. */
    async decline(offerId: string, secret: string) {
      await tx(db, async (q) => {
        const { o, e } = await offerFor(q, offerId, secret);
        if (o.state !== 'open') return fail(o.state === 'expired' ? 'OFFER_EXPIRED' : 'OFFER_CLOSED');
        await declineOpen(q, o.id);
        await run(q, sql.setEntryState(e.id, 'waiting'));
      });
      return { offerId, state: 'declined' };
    },

    /**
     * Makes one offer to this entry if a slot fits it: the hold is taken by the same
     * conditional statement as any hold, so offers never exceed free capacity.
     */
    async offerTo(entry: sql.EntryRow): Promise<boolean> {
      const candidates = (await run<{ id: number }>(db, sql.candidateSlots(entry))).rows;
      for (const candidate of candidates) {
        const made = await tx(db, async (q) => {
          if ((await run(q, sql.lockWaitingEntry(entry.id))).rowCount !== 1) return 'gone';
          const sameDay = await run<{ today: boolean }>(q, sql.slotIsToday(candidate.id));
          const minutes = sameDay.rows[0]?.today ? Math.max(10, Math.round(deps.offerMinutes / 3)) : deps.offerMinutes;
          const hold = await deps.bookings.offerHold(q, candidate.id, minutes * 60);
          const secret = newSecret();
          const offerId = (await run<{ id: string }>(q, sql.insertOffer(entry.id, hold.holdId, candidate.id, secretHash(secret)))).rows[0]!.id;
          await run(q, sql.setEntryState(entry.id, 'offered'));
          await announceOffer(q, entry, offerId, secret, hold.appointments[0]!, hold.expiresAt);
          return 'offered';
        }).catch((err: unknown) => {
          if (err instanceof AppError) return 'taken'; // filled meanwhile, or no second dose: try the next candidate
          throw err;
        });
        if (made === 'offered') return true;
        if (made === 'gone') return false;
      }
      return false;
    },
  };

  async function declineOpen(q: pg.ClientBase, offerId: string) {
    const o = (await run<sql.OfferRow>(q, sql.offer(offerId))).rows[0]!;
    await run(q, sql.decideOffer(offerId, 'declined'));
    await deps.bookings.releaseHold(q, o.hold_id);
  }

  async function announceOffer(q: pg.ClientBase, e: sql.EntryRow, offerId: string, secret: string, first: AppointmentText, deadline: Date) {
    const link = `${deps.publicUrl}/angebot/${offerId}?secret=${secret}`;
    if (e.email) {
      const m = offerMessage(first, deadline.toISOString(), link, e.locale);
      await run(
        q,
        enqueue({
          kind: 'offer',
          channel: 'email',
          recipient: recipientOf('email', e.email),
          locale: e.locale,
          subject: m.subject,
          text: m.text,
          html: m.html,
        }),
      );
    }
    if (e.phone) {
      await run(
        q,
        enqueue({
          kind: 'offer',
          channel: 'sms',
          recipient: recipientOf('sms', e.phone),
          locale: e.locale,
          subject: '',
          text: offerSms(first, deadline.toISOString(), link, e.locale),
        }),
      );
    }
  }
}
