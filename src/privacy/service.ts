import type pg from 'pg';
import { run, type Queryable } from '../db/pool.js';
import { fail } from '../errors.js';
import type { BookingService } from '../booking/service.js';
import { bookingByCode, type BookingRow } from '../booking/repo.js';
import * as sql from './repo.js';

/** What a person may ask of their own data, with their booking code and date of birth. */
export function privacyService(bookings: BookingService) {
  async function find(q: Queryable, code: string, dateOfBirth: string, lock = false): Promise<BookingRow> {
    return (await run<BookingRow>(q, bookingByCode(code, dateOfBirth, lock))).rows[0] ?? fail('BOOKING_NOT_FOUND');
  }

  return {
    /** Everything stored about the booking's person (GDPR art. 15): the booking, its appointments, messages, attendance and wait-list entries. */
    async personalData(q: Queryable, code: string, dateOfBirth: string) {
      const booking = await find(q, code, dateOfBirth);
      const record = (await run<{ record: Record<string, unknown>; campaign_id: number; identity_hash: Buffer }>(q, sql.bookingRecord(booking.id))).rows[0]!;
      const [view, messages, attendance, waitlist] = await Promise.all([
        bookings.view(q, code, dateOfBirth),
        run(q, sql.messagesForPerson(booking.id)),
        run<{ record: unknown }>(q, sql.attendanceOf(booking.id)),
        run<{ record: unknown }>(q, sql.waitlistOfPerson(record.campaign_id, record.identity_hash)),
      ]);
      return {
        about: 'Everything this installation stores about you through this booking (GDPR art. 15).',
        booking: record.record,
        appointments: view.appointments,
        messages: messages.rows,
        attendance: attendance.rows.map((r) => r.record),
        waitlistEntries: waitlist.rows.map((r) => r.record),
      };
    },

    /**
     * Cancel and erase (GDPR art. 17), in one transaction: an active booking is cancelled (its
     * appointments are free at once), then the person's data goes as the retention task would take
     * it, messages not yet sent are withdrawn, and the same person's wait-list entries are reduced.
     */
    async erase(q: pg.ClientBase, code: string, dateOfBirth: string) {
      const booking = await find(q, code, dateOfBirth, true);
      const cancelled = booking.status === 'active';
      if (cancelled) await bookings.cancel(q, code, dateOfBirth);
      const record = (await run<{ campaign_id: number; identity_hash: Buffer }>(q, sql.bookingRecord(booking.id))).rows[0]!;
      await run(q, sql.anonymiseWaitlistOfPerson(record.campaign_id, record.identity_hash));
      await run(q, sql.eraseMessagesOfBooking(booking.id));
      await run(q, sql.anonymiseBooking(booking.id));
      return { erased: true, cancelled };
    },
  };
}

export type PrivacyService = ReturnType<typeof privacyService>;
