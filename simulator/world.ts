import { client, type Client } from './http.js';
import type { Scenario } from './presets.js';

export interface World {
  campaignId: number;
  centers: { id: number; lat: number; lon: number; vaccinated: boolean }[];
  releases: { id: number; opensAt: number; units: number }[];
  /** Where people live: the middle of the centres' grid, spread about 15 km. */
  home: { lat: number; lon: number };
}

/** 10:00 Berlin in winter, n days from now. */
const morning = (days: number, minutes: number) => {
  const d = new Date(Date.now() + days * 86_400_000);
  d.setUTCHours(7, 0, 0, 0);
  return new Date(d.getTime() + minutes * 60_000);
};

/**
 * Sets the scenario up through the admin API, as a district would: centres on a grid about 8 km apart,
 * a campaign, first-dose slots every 10 minutes from 08:00 (one day per release), second doses at the
 * same centres and times inside the interval, and the releases, the first `leadSeconds` from now.
 */
export async function setUpWorld(target: string, api: Client, admin: Record<string, string>, s: Scenario, leadSeconds: number): Promise<World> {
  // A district's set-up script does what the API asks: a 503 or 429 is tried again after its Retry-After
  // (a busy machine sheds load at any moment); anything else stops the set-up.
  const call = async (method: string, path: string, body?: unknown) => {
    for (let attempt = 1; ; attempt++) {
      const res = await api.request(method, path, body, admin);
      if ((res.status === 503 || res.status === 429) && attempt < 20) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(5, res.retryAfter ?? 1) * 1000));
        continue;
      }
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    }
  };
  const side = Math.ceil(Math.sqrt(s.centers));
  const home = { lat: 51.4, lon: 7.4 };
  const centers: World['centers'] = [];
  for (let i = 0; i < s.centers; i++) {
    const lat = home.lat + ((Math.floor(i / side) - side / 2) * 8) / 111;
    const lon = home.lon + (((i % side) - side / 2) * 8) / 70;
    const c = await call('POST', '/api/v1/admin/centers', {
      name: `Impfzentrum ${i + 1}`,
      address: `Simulationsweg ${i + 1}`,
      postalCode: '58332',
      district: 'Simulation',
      lat,
      lon,
    });
    centers.push({ id: c.id, lat, lon, vaccinated: i >= s.centersWithoutVaccine });
  }
  const campaign = await call('POST', '/api/v1/admin/campaigns', {
    name: `Simulation ${s.name}`,
    vaccine:
      s.doses === 2 ? { name: 'SimVax', doses: 2, minIntervalDays: s.intervalDays[0], maxIntervalDays: s.intervalDays[1] } : { name: 'SimVax', doses: 1 },
    eligibility: { minAge: 18 },
    ...(s.verification ? { requireVerifiedContact: true } : {}),
  });
  const vaccinated = centers.filter((c) => c.vaccinated);
  const perDay = 72; // 08:00 to 20:00 every 10 minutes
  const releases: World['releases'] = [];
  for (const [r, units] of s.releases.entries()) {
    const slots: unknown[] = [];
    vaccinated.forEach((c, ci) => {
      const share = Math.floor(units / vaccinated.length) + (ci < units % vaccinated.length ? 1 : 0);
      for (let k = 0; k < perDay && share > 0; k++) {
        const capacity = Math.floor(share / perDay) + (k < share % perDay ? 1 : 0);
        if (capacity === 0) continue;
        const first = morning(1 + r, k * 10);
        slots.push({ centerId: c.id, campaignId: campaign.id, startsAt: first.toISOString(), durationMinutes: 10, capacity, dose: 1 });
        if (s.doses === 2) {
          const second = new Date(first.getTime() + (s.intervalDays[0] + 7) * 86_400_000);
          slots.push({ centerId: c.id, campaignId: campaign.id, startsAt: second.toISOString(), durationMinutes: 10, capacity, dose: 2 });
        }
      }
    });
    const ids: number[] = [];
    for (let i = 0; i < slots.length; i += 10_000)
      ids.push(...(await call('POST', '/api/v1/admin/slots', { slots: slots.slice(i, i + 10_000) })).slots.map((x: { id: number }) => x.id));
    const opensAt = Date.now() + (leadSeconds + r * s.releaseEverySeconds) * 1000;
    const release = await call('POST', '/api/v1/admin/releases', {
      campaignId: campaign.id,
      slotIds: ids,
      opensAt: new Date(opensAt).toISOString(),
      ...(s.waitingRoom ? { waitingRoom: true, prequeueMinutes: 60 } : {}),
      acknowledge: 'all',
    });
    if (s.waitingRoom) {
      // The puzzle is real (each virtual citizen solves it) and as hard as the scenario says (--difficulty).
      await call('PATCH', `/api/v1/admin/queue/rooms/${release.id}`, {
        difficulty: s.difficulty,
        targetActive: 2_000,
        maxAdmissionsPerSecond: s.admitPerSecond,
      });
      await difficultyEverywhere(target, release.id, s.difficulty);
    }
    releases.push({ id: release.id, opensAt, units });
  }
  return { campaignId: campaign.id, centers, releases, home };
}

/** Challenges in a row, each on a connection of its own, that must all carry the new difficulty. */
const SAME_IN_A_ROW = 8;

/**
 * Waits until every worker hands out challenges of `difficulty`. A worker learns of the change at its next
 * refresh of the room (about a second); until then it still asks for the room's default (18 bits, about a second
 * of a phone's CPU), and the virtual citizens who came first would each solve that on the load generator's one
 * thread: in one 23,400-person run, that stopped the crowd for 16 s before the opening.
 */
async function difficultyEverywhere(target: string, releaseId: number, difficulty: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (let inARow = 0; inARow < SAME_IN_A_ROW;) {
    if (Date.now() > deadline) throw new Error(`the waiting room of release ${releaseId} did not take difficulty ${difficulty} within 30 s`);
    // A new connection each time: the cluster hands new connections to its workers in turn.
    const fresh = client(target, 1);
    const res = await fresh.request('GET', `/api/v1/queue/rooms/${releaseId}/challenge`);
    fresh.close();
    if (res.status === 200 && res.body?.difficulty === difficulty) inARow++;
    else {
      inARow = 0;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
