import type { NewCenter } from '../catalog/repo.js';
import type { Logger } from 'pino';
import type { Db } from '../db/pool.js';
import { dayIn, INSTALLATION_ZONE } from '../time/zone.js';
import { loadCampaign, type CampaignSpec } from './load.js';

/** Minutes between first start and the demo release, so a newcomer sees the countdown and then books. */
export const DEMO_RELEASE_DELAY_MINUTES = 3;

const addDays = (day: string, n: number) => new Date(Date.parse(day) + n * 86_400_000).toISOString().slice(0, 10);

/** Minutes between first start and the demo's second release, which is booked through a waiting room. */
export const DEMO_QUEUE_RELEASE_DELAY_MINUTES = 10;

/**
 * Three centres in the Ennepe-Ruhr district and a two-dose campaign: the first three days of
 * first doses (and all second doses) open a few minutes after first start; the next four days
 * open later through a waiting room whose pre-queue is open from the start.
 */
export function demoSpec(now = new Date()): CampaignSpec {
  const tomorrow = addDays(dayIn(now, INSTALLATION_ZONE), 1);
  const hours = { opens: '08:00', closes: '18:00', intervalMinutes: 15, capacity: 4, weekdays: [1, 2, 3, 4, 5, 6, 7] };
  const centers: NewCenter[] = [
    {
      name: 'Impfzentrum Schwelm',
      address: 'Kölner Straße 22, 58332 Schwelm',
      postalCode: '58332',
      district: 'Ennepe-Ruhr-Kreis',
      state: 'NW',
      lat: 51.2863,
      lon: 7.2939,
    },
    {
      name: 'Impfzentrum Witten',
      address: 'Ruhrdeich 10, 58452 Witten',
      postalCode: '58452',
      district: 'Ennepe-Ruhr-Kreis',
      state: 'NW',
      lat: 51.4437,
      lon: 7.3351,
    },
    {
      name: 'Impfzentrum Hattingen',
      address: 'Talstraße 8, 45525 Hattingen',
      postalCode: '45525',
      district: 'Ennepe-Ruhr-Kreis',
      state: 'NW',
      lat: 51.399,
      lon: 7.186,
    },
  ];
  return {
    centers,
    campaign: {
      name: 'COVID-19-Schutzimpfung (Demo)',
      vaccine: { name: 'Comirnaty', doses: 2, minIntervalDays: 21, maxIntervalDays: 42 },
      eligibility: { minAge: 18 },
    },
    series: centers.flatMap((_, center) => [
      { center, dose: 1, from: tomorrow, to: addDays(tomorrow, 2), ...hours },
      { center, dose: 2, from: addDays(tomorrow, 21), to: addDays(tomorrow, 48), ...hours },
      { center, dose: 1, from: addDays(tomorrow, 3), to: addDays(tomorrow, 6), ...hours, release: 1 },
    ]),
    releases: [
      { opensAt: new Date(now.getTime() + DEMO_RELEASE_DELAY_MINUTES * 60_000).toISOString() },
      {
        opensAt: new Date(now.getTime() + DEMO_QUEUE_RELEASE_DELAY_MINUTES * 60_000).toISOString(),
        waitingRoom: true,
        prequeueMinutes: DEMO_QUEUE_RELEASE_DELAY_MINUTES,
      },
    ],
  };
}

/** Seeds the demo region once, into an empty database. */
export async function seedDemoIfEmpty(db: Db, log: Logger): Promise<void> {
  // Two processes starting on one fresh database must not both seed: an advisory lock orders them.
  const client = await db.connect();
  try {
    await client.query('SELECT pg_advisory_lock(8249001)');
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM centers');
    if (rows[0]!.n > 0) return;
    const spec = demoSpec();
    const loaded = await loadCampaign(db, spec);
    log.info(
      { campaignId: loaded.campaignId, slots: loaded.slotIds.length, releases: loaded.releaseIds },
      `demo data seeded; release ${loaded.releaseIds[0]} opens in ${DEMO_RELEASE_DELAY_MINUTES} minutes, ` +
        `release ${loaded.releaseIds[1]} (waiting room, pre-queue open now) in ${DEMO_QUEUE_RELEASE_DELAY_MINUTES}`,
    );
  } finally {
    await client.query('SELECT pg_advisory_unlock(8249001)').catch(() => undefined);
    client.release();
  }
}
