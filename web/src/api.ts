import { randomKey } from './storage.js';
import type { AppointmentShape, BookingAnswerShape, BookingViewShape, CenterShape, HoldShape, PersonShape } from '../../src/http/schemas.js';
import type { RoomShape, StatusShape } from '../../src/queue/schemas.js';

/**
 * The shapes of the JSON API the pages use (see /api/docs). Those the server declares as schemas
 * come from them (type-only imports, erased by the bundler), so the browser cannot drift from it.
 */

export type Center = CenterShape;
export type Appointment = AppointmentShape;
export type Hold = HoldShape;
/** A booking just made, or viewed (then with its status and person). */
export type Booking = BookingAnswerShape & Partial<Pick<BookingViewShape, 'status' | 'person'>>;
export type Room = RoomShape;
export type QueueStatus = StatusShape;
export type Person = PersonShape;

export interface Release {
  id: number;
  opensAt: string;
  open: boolean;
  waitingRoom: boolean;
}
export interface Campaign {
  id: number;
  name: string;
  vaccine: { name: string; doses: number; minIntervalDays: number; maxIntervalDays: number };
  eligibility: { minAge: number | null; maxAge: number | null; districts: string[] | null; priorityGroups: string[] | null };
  requireVerifiedContact: boolean;
  releases: Release[];
}
export interface Hotline {
  phone: string;
  hours: { days: number[]; opens: string; closes: string }[];
}
export interface CenterAvailability extends Center {
  distanceKm: number;
  freeFirstDoses: number;
  days: { date: string; freeFirstDoses: number; slots: { id: number; startsAt: string; durationMinutes: number; free: number }[] }[];
}
export interface Joined extends QueueStatus {
  ticket: string;
  resumeCode: string;
}

/** An answer the server meant: a stable code, its human message and any details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

interface Options {
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as Idempotency-Key; every retry of this call carries the same one. */
  idempotencyKey?: string;
  /** Give up waiting after this many attempts (default: keep trying, the person sees why). */
  maxAttempts?: number;
}

/** Codes that mean "not now" rather than "no": the request is tried again after a pause. */
const BUSY_CODES = new Set(['OVERLOADED', 'RATE_LIMITED']);
const MAX_DELAY_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The words api() shows, in the language of the app that uses it (the citizens' app and the staff console each set theirs). */
export const apiWords = {
  busy: (seconds: number) => `Gerade ist sehr viel los. Wir versuchen es in ${seconds} s automatisch noch einmal.`,
  unreachable: () => 'Der Server ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.',
};

/**
 * Calls the API. Overload (503/429 with Retry-After), gateway errors and lost connections are
 * retried with backoff and jitter while a calm line tells the person what is happening; POSTs
 * carry an Idempotency-Key so that a retry can never book twice. Anything else the server
 * answered is thrown as ApiError for the page to explain.
 */
export async function api<T>(method: string, path: string, options: Options = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST') headers['idempotency-key'] = options.idempotencyKey ?? randomKey();
  for (let attempt = 1; ; attempt++) {
    let wait: number;
    try {
      const res = await fetch(path, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        credentials: 'same-origin',
      });
      const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
      if (res.ok) {
        busy(null);
        return body as T;
      }
      const code = typeof body?.code === 'string' ? body.code : '';
      const retryable = res.status === 502 || res.status === 503 || res.status === 504 || (res.status === 429 && BUSY_CODES.has(code));
      if (!retryable) {
        busy(null);
        const { code: _c, message, ...details } = body ?? {};
        throw new ApiError(res.status, code || 'HTTP_' + res.status, typeof message === 'string' ? message : res.statusText, details);
      }
      const after = Number(res.headers.get('retry-after'));
      wait = Number.isFinite(after) && after > 0 ? after * 1000 : backoff(attempt);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      wait = backoff(attempt); // the connection failed: offline, a dropped mobile link
    }
    if (options.maxAttempts !== undefined && attempt >= options.maxAttempts) {
      busy(null);
      throw new ApiError(0, 'UNREACHABLE', apiWords.unreachable());
    }
    wait = Math.min(MAX_DELAY_MS, wait) * (0.8 + Math.random() * 0.4);
    busy(Math.ceil(wait / 1000));
    await sleep(wait);
  }
}

const backoff = (attempt: number) => Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.min(attempt - 1, 5));

/** The line under the header that says "busy, we retry by ourselves" (null: all is well again). */
function busy(seconds: number | null): void {
  const line = document.getElementById('busy');
  if (!line) return;
  if (seconds === null) {
    line.hidden = true;
    return;
  }
  line.hidden = false;
  line.textContent = apiWords.busy(seconds);
}
