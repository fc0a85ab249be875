import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { admin } from './node.js';

export const DAY = 86_400_000;

/** YYYY-MM-DD of a day n days from today (UTC). */
export const dayFromNow = (n: number) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);

/** 10:00 Berlin (09:00 UTC in winter) n days from now, as an instant. */
export const morningIn = (n: number, hourUtc = 9) => `${dayFromNow(n)}T${String(hourUtc).padStart(2, '0')}:00:00Z`;

export async function post(app: FastifyInstance, url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'POST', url, payload: body as object, headers });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

export async function adminPost(app: FastifyInstance, url: string, body: unknown) {
  const res = await post(app, url, body, admin);
  assert.equal(res.status, 201, `${url}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface World {
  centerId: number;
  campaignId: number;
  firstSlotIds: number[];
  secondSlotIds: number[];
  releaseId: number;
}

export interface WorldOptions {
  /** The campaign's name (default Testkampagne); pages list campaigns by name, so several at once need their own. */
  campaignName?: string;
  doses?: 1 | 2;
  firstCapacity?: number;
  secondCapacity?: number;
  firstSlots?: number;
  opensAt?: string;
  minAge?: number;
  maxAge?: number;
  districts?: string[];
  postalCode?: string;
  lat?: number;
  lon?: number;
  waitingRoom?: boolean;
  prequeueMinutes?: number;
  requireVerifiedContact?: boolean;
  phoneShare?: number;
  phoneUntil?: string;
}

/** One centre, one campaign, first-dose slots in 3 days, second-dose slots 21..42 days after, all released. */
export async function setUpWorld(app: FastifyInstance, o: WorldOptions = {}): Promise<World> {
  const doses = o.doses ?? 2;
  const center = await adminPost(app, '/api/v1/admin/centers', {
    name: 'Impfzentrum Test',
    address: 'Teststraße 1',
    postalCode: o.postalCode ?? '58332',
    district: 'Ennepe-Ruhr-Kreis',
    lat: o.lat ?? 51.2863,
    lon: o.lon ?? 7.2939,
  });
  const campaign = await adminPost(app, '/api/v1/admin/campaigns', {
    name: o.campaignName ?? 'Testkampagne',
    vaccine: doses === 2 ? { name: 'TestVax', doses: 2, minIntervalDays: 21, maxIntervalDays: 42 } : { name: 'OneShot', doses: 1 },
    eligibility: { minAge: o.minAge, maxAge: o.maxAge, districts: o.districts },
    ...(o.requireVerifiedContact ? { requireVerifiedContact: true } : {}),
  });
  const first = Array.from({ length: o.firstSlots ?? 2 }, (_, i) => ({
    centerId: center.id,
    campaignId: campaign.id,
    startsAt: new Date(Date.parse(morningIn(3)) + i * 15 * 60_000).toISOString(),
    durationMinutes: 15,
    capacity: o.firstCapacity ?? 5,
    dose: 1,
  }));
  const second =
    doses === 2
      ? [{ centerId: center.id, campaignId: campaign.id, startsAt: morningIn(3 + 28), durationMinutes: 15, capacity: o.secondCapacity ?? 100, dose: 2 }]
      : [];
  const created = await adminPost(app, '/api/v1/admin/slots', { slots: [...first, ...second] });
  const ids: { id: number; dose: number }[] = created.slots;
  const release = await adminPost(app, '/api/v1/admin/releases', {
    campaignId: campaign.id,
    slotIds: ids.map((s) => s.id),
    opensAt: o.opensAt ?? new Date(Date.now() - 60_000).toISOString(),
    ...(o.waitingRoom ? { waitingRoom: true, prequeueMinutes: o.prequeueMinutes ?? 30 } : {}),
    ...(o.phoneShare ? { phoneShare: o.phoneShare, phoneUntil: o.phoneUntil } : {}),
    // Tests schedule at any hour of the day; the checklist has its own tests.
    acknowledge: 'all',
  });
  return {
    centerId: center.id,
    campaignId: campaign.id,
    firstSlotIds: ids.filter((s) => s.dose === 1).map((s) => s.id),
    secondSlotIds: ids.filter((s) => s.dose === 2).map((s) => s.id),
    releaseId: release.id,
  };
}

export const person = (overrides: Record<string, string> = {}) => ({
  firstName: 'Erika',
  lastName: 'Mustermann',
  dateOfBirth: '1964-08-12',
  postalCode: '58332',
  ...overrides,
});

/** Hold + confirm; returns the booking answer. */
export async function book(app: FastifyInstance, slotId: number, who = person()) {
  const hold = await post(app, '/api/v1/holds', { slotId });
  assert.equal(hold.status, 201, JSON.stringify(hold.body));
  const booking = await post(app, '/api/v1/bookings', { holdId: hold.body.holdId, person: who });
  return { hold, booking };
}
