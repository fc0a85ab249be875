import type pg from 'pg';
import { run, type Queryable } from '../db/pool.js';
import { distanceKm, postalCodeCentroid } from '../availability/geo.js';
import { fail } from '../errors.js';
import type { BookingService, Locale, Person } from '../booking/service.js';
import { confirmationMessage } from '../notify/templates.js';
import { mayUseCenter, type Actor } from '../staff/auth.js';
import * as sql from './repo.js';

export type SendBy = 'sms' | 'email' | 'letter';

/** The hotline agent's side: find a caller an appointment nearby and book it on the same ledger. */
export function agentService(bookings: BookingService) {
  return {
    async search(db: Queryable, staff: Actor, q: { campaignId: number; postalCode: string; radiusKm: number; from?: string; to?: string }) {
      const origin = postalCodeCentroid(q.postalCode) ?? fail('UNKNOWN_POSTAL_CODE', `The postal code ${q.postalCode} is not known.`);
      const [slots, centers] = await Promise.all([
        run<sql.AgentSlotRow>(db, sql.slotsForAgents(q.campaignId, q.from ?? null, q.to ?? null, staff.centerIds)),
        run<{ id: number; name: string; address: string; postal_code: string; lat: number; lon: number }>(db, sql.centers()),
      ]);
      const result = centers.rows
        .filter((c) => mayUseCenter(staff, c.id))
        .map((c) => ({ center: c, distance: distanceKm(origin, c) }))
        .filter((c) => c.distance <= q.radiusKm)
        .map(({ center, distance }) => {
          const days = new Map<
            string,
            {
              date: string;
              free: number;
              keptForPhone: number;
              slots: { id: number; startsAt: string; durationMinutes: number; free: number; keptForPhone: number }[];
            }
          >();
          for (const s of slots.rows) {
            if (s.center_id !== center.id || s.free <= 0) continue;
            let day = days.get(s.day);
            if (!day) days.set(s.day, (day = { date: s.day, free: 0, keptForPhone: 0, slots: [] }));
            day.free += s.free;
            day.keptForPhone += s.kept_for_phone;
            day.slots.push({
              id: s.id,
              startsAt: s.starts_at.toISOString(),
              durationMinutes: s.duration_minutes,
              free: s.free,
              keptForPhone: s.kept_for_phone,
            });
          }
          return {
            id: center.id,
            name: center.name,
            address: center.address,
            postalCode: center.postal_code,
            distanceKm: Math.round(distance * 10) / 10,
            days: [...days.values()],
          };
        })
        .filter((c) => c.days.length > 0)
        .sort((a, b) => a.distanceKm - b.distanceKm);
      return { campaignId: q.campaignId, origin, centers: result };
    },

    /**
     * Books for a caller: the contact the confirmation goes to is the one the caller chose; for a
     * letter none is stored and the answer carries the letter's text to print and post.
     */
    async book(q: pg.ClientBase, staff: Actor, input: { slotId: number; person: Person; sendBy: SendBy; locale?: Locale }) {
      const { email, phone, ...identity } = input.person;
      if (input.sendBy === 'sms' && !phone) fail('VALIDATION_FAILED', 'A mobile number is needed to send the confirmation by SMS.');
      if (input.sendBy === 'email' && !email) fail('VALIDATION_FAILED', 'An e-mail address is needed to send the confirmation by e-mail.');
      const person: Person = { ...identity, ...(input.sendBy === 'sms' ? { phone } : {}), ...(input.sendBy === 'email' ? { email } : {}) };
      const locale = input.locale ?? 'de';
      const booking = await bookings.bookByPhone(q, input.slotId, person, locale, staff.actor, (centerId) => mayUseCenter(staff, centerId));
      const letter = confirmationMessage(booking.bookingCode, booking.appointments, locale).text;
      return { ...booking, sendBy: input.sendBy, letter: `${identity.firstName} ${identity.lastName}\n\n${letter}` };
    },
  };
}
