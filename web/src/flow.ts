import { serverNow } from './server-time.js';
import type { Booking, Hold } from './api.js';
import { kept, tab } from './storage.js';

/** Where a person is in booking, kept in the tab between pages. */

export interface Admission {
  releaseId: number;
  campaignId: number;
  token: string;
  expiresAt: string;
}

export interface KeptHold extends Hold {
  /** One Idempotency-Key per hold: a retried confirmation can never book twice. */
  confirmKey: string;
}

export interface Rebook {
  bookingCode: string;
  dateOfBirth: string;
  campaignId: number;
}

export interface Ticket {
  releaseId: number;
  ticket: string;
  ticketId: string;
  resumeCode: string;
}

export const flow = {
  admission(campaignId?: number): Admission | null {
    const a = tab.get<Admission>('admission');
    if (!a || Date.parse(a.expiresAt) <= serverNow() || (campaignId !== undefined && a.campaignId !== campaignId)) return null;
    return a;
  },
  setAdmission: (a: Admission | null) => (a ? tab.set('admission', a) : tab.remove('admission')),

  hold(): KeptHold | null {
    const hold = tab.get<KeptHold>('hold');
    return hold && Date.parse(hold.expiresAt) > serverNow() ? hold : null;
  },
  /** The hold even after it expired (to say so). */
  lastHold: (): KeptHold | null => tab.get<KeptHold>('hold'),
  setHold: (hold: KeptHold | null) => (hold ? tab.set('hold', hold) : tab.remove('hold')),

  rebook: (): Rebook | null => tab.get<Rebook>('rebook'),
  setRebook: (r: Rebook | null) => (r ? tab.set('rebook', r) : tab.remove('rebook')),

  booking: (code: string): (Booking & { dateOfBirth?: string }) | null => {
    const b = tab.get<Booking & { dateOfBirth?: string }>('booking');
    return b && b.bookingCode === code ? b : null;
  },
  setBooking: (b: Booking & { dateOfBirth?: string }) => tab.set('booking', b),

  /** A place in line survives closing the browser: it is kept in localStorage. */
  ticket: (releaseId: number): Ticket | null => kept.get<Ticket>(`ticket:${releaseId}`),
  setTicket: (releaseId: number, t: Ticket | null) => (t ? kept.set(`ticket:${releaseId}`, t) : kept.remove(`ticket:${releaseId}`)),
};
