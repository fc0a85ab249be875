import { randomBytes } from 'node:crypto';
import { solve } from '../src/queue/pow.js';
import type { Client } from './http.js';
import type { Recorder } from './recorder.js';
import type { Scenario } from './presets.js';
import type { SmsCodes } from './sms-sink.js';
import type { World } from './world.js';

/** This process's run, in its Idempotency-Keys: a run against a long-lived --target never meets an earlier run's keys. */
const RUN = randomBytes(4).toString('hex');

export interface CitizenContext {
  api: Client;
  rec: Recorder;
  scenario: Scenario;
  world: World;
  sms: SmsCodes;
  deadline: number;
  random: () => number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One person on release day. They arrive, join the line (solving the puzzle), keep polling as told,
 * search centres near home, hold a time, verify their phone if the campaign wants it, and confirm. Some
 * give up on the way, some open a second tab, a few are bots that skip the line. Overload answers
 * (503/429) are waited out as the app would; every request is bounded by the run's deadline.
 */
export async function citizen(i: number, arriveAt: number, ctx: CitizenContext): Promise<void> {
  const { api, rec, scenario, world, random } = ctx;
  await sleep(Math.max(0, arriveAt - Date.now()));
  if (Date.now() > ctx.deadline) return;
  rec.counters.arrived++;
  const person = {
    firstName: `Sim${i}`,
    lastName: 'Buerger',
    dateOfBirth: `${1930 + (i % 70)}-0${1 + (i % 9)}-1${i % 10}`,
    postalCode: '58332',
    phone: `+49151${String(i).padStart(8, '0')}`,
  };
  const home = { lat: world.home.lat + (random() - 0.5) * 0.25, lon: world.home.lon + (random() - 0.5) * 0.35 };
  const abandons = random() < scenario.abandonShare;
  /** Whether this person's phone number is verified (the booking asked for it, or the wait list did). */
  let verified = false;
  const secondTab = random() < scenario.secondTabShare;
  const bot = random() < scenario.botShare;

  /**
   * A request, waited out while the server sheds load; null when the run is over. As the web app does
   * (web/src/api.ts), every POST carries an Idempotency-Key, the same one on each retry of it.
   */
  let posts = 0;
  const call = async (endpoint: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
    const sent = method === 'POST' ? { 'idempotency-key': `sim-${RUN}-${i}-${++posts}`, ...headers } : headers;
    for (let attempt = 0; attempt < 20 && Date.now() < ctx.deadline; attempt++) {
      const res = await api.request(method, path, body, sent);
      rec.record(endpoint, res.status, res.ms, res.queuedMs);
      if (res.status !== 503 && res.status !== 429 && res.status !== 0) return res;
      await sleep((res.retryAfter ?? 2) * 1000 * (0.5 + random()));
    }
    return null;
  };

  for (const [r, release] of world.releases.entries()) {
    const nextOpensAt = world.releases[r + 1]?.opensAt ?? Infinity;
    // Someone who comes after a later release opened goes for that one, as the portal shows it.
    if (Date.now() >= nextOpensAt) continue;
    if (bot) {
      // A bot goes straight for a hold without a place in line: the waiting room refuses it.
      await sleep(Math.max(0, release.opensAt - Date.now()));
      const found = await call(
        'search',
        'GET',
        `/api/v1/availability?campaignId=${world.campaignId}&lat=${home.lat.toFixed(3)}&lon=${home.lon.toFixed(3)}&radiusKm=30`,
      );
      const slot = found?.body?.centers?.[0]?.days?.[0]?.slots?.[0];
      if (slot) {
        const hold = await call('bot-hold', 'POST', '/api/v1/holds', { slotId: slot.id });
        if (hold && hold.status === 403) rec.counters.botsRefused++;
      }
      return;
    }
    let admission: string | undefined;
    if (scenario.waitingRoom) {
      const ticket = await joinLine(release.id);
      if (!ticket) return;
      if (secondTab) {
        // The same person in a second tab: binding both places drops the worse one.
        const other = await joinLine(release.id);
        if (other) {
          await call('bind', 'PUT', `/api/v1/queue/tickets/${encodeURIComponent(other)}/person`, identity(person));
          rec.counters.secondTabsDropped++;
        }
      }
      await call('bind', 'PUT', `/api/v1/queue/tickets/${encodeURIComponent(ticket)}/person`, identity(person));
      const outcome = await waitForTurn(ticket, nextOpensAt);
      if (outcome === 'abandoned') {
        rec.counters.abandoned++;
        return;
      }
      if (outcome === 'sold_out' || outcome === 'timeout') continue; // the next release, if any
      admission = outcome;
      rec.counters.admitted++;
    } else {
      await sleep(Math.max(0, release.opensAt - Date.now()));
    }
    if (await bookOne(admission, admission ? release.id : undefined)) return;
  }
  if (scenario.waitlist) await joinWaitlist();
  else rec.counters.gaveUp++;

  async function joinLine(releaseId: number): Promise<string | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const challenge = await call('challenge', 'GET', `/api/v1/queue/rooms/${releaseId}/challenge`);
      if (!challenge || challenge.status !== 200) return null;
      const nonce = solve(challenge.body.challenge, challenge.body.difficulty);
      const joined = await call('join', 'POST', `/api/v1/queue/rooms/${releaseId}/tickets`, { challenge: challenge.body.challenge, nonce });
      if (joined?.status === 201) {
        rec.counters.joined++;
        rec.joinTimes.set(joined.body.ticketId as string, Date.now());
        return joined.body.ticket as string;
      }
      if (!joined || joined.body?.code === 'SOLD_OUT' || joined.body?.code === 'QUEUE_CLOSED') return null;
    }
    return null;
  }

  /** Waits for admission; a person far back moves on to the next release once it opens. */
  async function waitForTurn(ticket: string, nextOpensAt: number): Promise<string | 'sold_out' | 'abandoned' | 'timeout'> {
    const giveUpAt = abandons ? Date.now() + random() * 60_000 : Infinity;
    let outlook = 'likely';
    while (Date.now() < ctx.deadline) {
      if (Date.now() >= nextOpensAt && outlook !== 'likely') {
        await call('leave', 'DELETE', `/api/v1/queue/tickets/${encodeURIComponent(ticket)}`);
        return 'sold_out';
      }
      if (Date.now() > giveUpAt) {
        await call('leave', 'DELETE', `/api/v1/queue/tickets/${encodeURIComponent(ticket)}`);
        return 'abandoned';
      }
      const status = await call('status', 'GET', `/api/v1/queue/tickets/${encodeURIComponent(ticket)}`);
      if (!status) return 'timeout';
      if (status.status !== 200) return 'sold_out';
      if (status.body.admission) return status.body.admission.token as string;
      outlook = status.body.outlook;
      if (status.body.outlook === 'sold_out' || ['used', 'lapsed', 'dropped', 'left'].includes(status.body.state)) return 'sold_out';
      await sleep(status.body.pollAfterMs ?? 2000);
    }
    return 'timeout';
  }

  async function verifyPhone(): Promise<boolean> {
    if (verified) return true;
    const asked = Date.now();
    const sent = await call('verify', 'POST', '/api/v1/verifications', { channel: 'sms', contact: person.phone });
    if (!sent || sent.status !== 202) return false;
    while (Date.now() < ctx.deadline) {
      // Answered when the code comes (the sink holds the question), or empty after a while: then ask again.
      const got = await ctx.sms.code(person.phone, asked - 1000, Math.max(0, ctx.deadline - Date.now()));
      if (got) {
        rec.codeWaits.push(got.at - asked);
        rec.counters.codesReceived++;
        const ok = await call('verify-confirm', 'POST', '/api/v1/verifications/confirm', { channel: 'sms', contact: person.phone, code: got.code });
        verified = ok?.status === 200;
        return verified;
      }
      await sleep(250);
    }
    return false;
  }

  /** Searches (an admitted person sees their release's appointments only, as the web app asks), holds and confirms. */
  async function bookOne(admission: string | undefined, releaseId: number | undefined): Promise<boolean> {
    if (scenario.verification && !(await verifyPhone())) return false;
    for (let attempt = 0; attempt < 8 && Date.now() < ctx.deadline; attempt++) {
      if (attempt > 0) await sleep(300 * attempt * (0.5 + random())); // a look at the list again, as a person would
      const found = await call(
        'search',
        'GET',
        `/api/v1/availability?campaignId=${world.campaignId}&lat=${home.lat.toFixed(3)}&lon=${home.lon.toFixed(3)}&radiusKm=40${releaseId ? `&releaseId=${releaseId}` : ''}`,
      );
      const centers = (found?.body?.centers ?? []) as { days: { slots: { id: number }[] }[] }[];
      if (found?.status === 200) {
        rec.counters.searches++;
        rec.counters.slotsListed += centers.reduce((n, c) => n + c.days.reduce((m, d) => m + d.slots.length, 0), 0);
        rec.counters.centresListed += centers.length;
      }
      // Most people take one of the nearest centres, any time that suits them.
      const slots = centers.slice(0, 3).flatMap((c) => c.days.flatMap((d) => d.slots));
      if (slots.length === 0) return false;
      const slot = slots[Math.floor(random() * slots.length)]!;
      const hold = await call('hold', 'POST', '/api/v1/holds', { slotId: slot.id }, admission ? { 'admission-token': admission } : {});
      if (!hold) return false;
      if (hold.status === 409 && ['SLOT_FULL', 'NO_SECOND_DOSE_SLOT'].includes(hold.body?.code)) continue;
      if (hold.status !== 201) return false;
      rec.counters.held++;
      if (abandons && random() < 0.3) return false; // closes the tab with a hold: it expires
      const booked = await call('confirm', 'POST', '/api/v1/bookings', { holdId: hold.body.holdId, person, locale: 'de' });
      if (booked?.status === 201) {
        rec.booked();
        return true;
      }
      return false;
    }
    return false;
  }

  async function joinWaitlist(): Promise<void> {
    // The wait list needs a verified number; someone never let in to book has not verified it yet.
    if (!(await verifyPhone())) return;
    const res = await call('waitlist', 'POST', '/api/v1/waitlist', { campaignId: world.campaignId, person, preferences: { maxDistanceKm: 40 } });
    if (res?.status === 201) rec.counters.waitlisted++;
  }
}

const identity = (p: { firstName: string; lastName: string; dateOfBirth: string }) => ({
  firstName: p.firstName,
  lastName: p.lastName,
  dateOfBirth: p.dateOfBirth,
});
