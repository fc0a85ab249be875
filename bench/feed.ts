/**
 * The SMART Scheduling Links feed: served to 200 concurrent pollers by one Ansturm process vs a bare
 * node:http server sending the same bytes (full files, and 304s to If-None-Match as a CDN
 * revalidates); what one rebuild costs; and what the pollers cost a rush of bookings.
 */
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { client } from '../simulator/http.js';
import { AvailabilityView } from '../src/availability/view.js';
import { createPool } from '../src/db/pool.js';
import { FeedPublisher } from '../src/feed/publisher.js';
import { ADMIN, api, benchCatalog, benchDatabase, compareWithBare, during, fullBooking, load, startAnsturm } from './support.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const POLLERS = 200;
const CENTERS = 20;
const DAYS = 7;
const RUSH_CLIENTS = 32;

export async function benchFeed() {
  const db = await benchDatabase();
  // The pollers all come from this one address: the open-data limit would stop them, as it should in production.
  const app = await startAnsturm(db.url, 1, { ANSTURM_OPEN_DATA_PER_MINUTE: '0' });
  try {
    const base = app.url;
    const { slotIds } = await benchCatalog(base, CENTERS, DAYS);
    await new Promise((r) => setTimeout(r, 2000)); // the view's next reload and the feed's next rebuild
    const manifest = (await (await fetch(`${base}/fhir/$bulk-publish`)).json()) as { output: { url: string }[] };
    const files = manifest.output.map((o) => new URL(o.url).pathname);
    const paths = ['/fhir/$bulk-publish', ...files];
    const sizes = await Promise.all(files.map(async (f) => (await (await fetch(base + f)).arrayBuffer()).byteLength));

    const full = await compareWithBare(base, paths, POLLERS, SECONDS, { perPath: true });
    // The manifest names the snapshot's time and changes each second; the files change only with the ledger.
    const revalidated = await compareWithBare(base, files, POLLERS, SECONDS, { perPath: true, conditional: true });
    const rebuild = await rebuildCost(db.url, base);
    const rush = await rushWithPollers(base, files);
    return [
      {
        name: `open-data feed, ${POLLERS} pollers (manifest and files)`,
        ...full,
        extra: { slots: slotIds.length, fileBytes: sizes.join(' + '), rebuildMs: rebuild.ms.toFixed(1), rebuildsMeasured: rebuild.runs },
      },
      {
        name: `open-data feed, ${POLLERS} pollers revalidating (If-None-Match -> 304)`,
        ...revalidated,
        extra: {
          'rush alone (bookings/s)': rush.alone,
          'rush + 200 polls/s (bookings/s)': `${rush.polite} (${((rush.polite / rush.alone) * 100).toFixed(0)} %), polls answered ${rush.politePolls}/s`,
          'rush + pollers flat out': `${rush.flatOut} (${((rush.flatOut / rush.alone) * 100).toFixed(0)} %), polls answered ${rush.flatOutPolls}/s`,
        },
      },
    ];
  } finally {
    await app.stop();
    await db.stop();
  }
}

/** The median time of one rebuild of the feed from a loaded view, measured in this process. */
async function rebuildCost(databaseUrl: string, base: string) {
  const pool = createPool(databaseUrl, 2);
  const view = new AvailabilityView(pool, databaseUrl, 3_600_000, pino({ level: 'silent' }));
  await view.start();
  let now = Date.now();
  const publisher = new FeedPublisher(
    view,
    { now: () => now, offsetMs: 0, generation: 0 },
    {
      publicUrl: base,
      phone: '116 117',
      licence: { id: 'CC-BY-4.0', url: 'https://creativecommons.org/licenses/by/4.0/', attribution: base },
    },
  );
  const times: number[] = [];
  try {
    for (let i = 0; i < 15; i++) {
      await view.reload();
      now += 1_000;
      const started = performance.now();
      publisher.current();
      times.push(performance.now() - started);
    }
  } finally {
    await view.stop();
    await pool.end();
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, runs: times.length };
}

/**
 * Bookings (hold + confirm, one dose) by RUSH_CLIENTS clients for SECONDS: alone, with POLLERS
 * revalidating the feed once a second each (as many CDN edges would), and with them polling flat out.
 * The rush changes its week's slot file every second, so revalidations get that file as often as it changes.
 */
async function rushWithPollers(base: string, files: string[]) {
  const campaign = await api(base, 'POST', '/api/v1/admin/campaigns', { name: 'Rush', vaccine: { name: 'R', doses: 1 } }, ADMIN);
  const center = await api(
    base,
    'POST',
    '/api/v1/admin/centers',
    { name: 'Rush', address: 'R 1', postalCode: '58332', district: 'EN', lat: 51.28, lon: 7.29 },
    ADMIN,
  );
  const startsAt = (i: number) => new Date(Date.now() + 2 * 86_400_000 + i * 15 * 60_000).toISOString();
  const created = await api(
    base,
    'POST',
    '/api/v1/admin/slots',
    {
      slots: Array.from({ length: 40 }, (_, i) => ({
        centerId: center.id,
        campaignId: campaign.id,
        startsAt: startsAt(i),
        durationMinutes: 15,
        capacity: 100_000,
        dose: 1,
      })),
    },
    ADMIN,
  );
  const slots: number[] = created.slots.map((s: { id: number }) => s.id);
  await api(
    base,
    'POST',
    '/api/v1/admin/releases',
    { campaignId: campaign.id, slotIds: slots, opensAt: new Date(Date.now() - 1000).toISOString(), acknowledge: 'all' },
    ADMIN,
  );
  await new Promise((r) => setTimeout(r, 2000));

  let round = 0;
  const rush = async () => {
    const http = client(base, RUSH_CLIENTS);
    const r = round++; // each round books other people: one booking per person and campaign
    const { perSecond } = await during(SECONDS, RUSH_CLIENTS, (i) => fullBooking(http, slots[i % slots.length]!, `Feed${r}x${i}`));
    http.close();
    return perSecond;
  };
  // Pollers as a CDN revalidates: each keeps the latest ETag of each file and takes gzip.
  const etags = await Promise.all(files.map(async (f) => (await fetch(base + f)).headers.get('etag')!));
  let n = 0;
  const requests = [
    {
      method: 'GET' as const,
      setupRequest: (req: any, context: any) => {
        const i = (context.file = n++ % files.length);
        return { ...req, path: files[i], headers: { 'if-none-match': etags[i], 'accept-encoding': 'gzip' } };
      },
      onResponse: (_status: number, _body: string, context: any, headers: any) => {
        if (headers.etag) etags[context.file as number] = headers.etag;
      },
    },
  ];
  const alone = await rush();
  const [polite, politePolls] = await Promise.all([rush(), load(base, { connections: POLLERS, seconds: SECONDS, requests, overallRate: POLLERS })]);
  const [flatOut, flatOutPolls] = await Promise.all([rush(), load(base, { connections: POLLERS, seconds: SECONDS, requests })]);
  return { alone, polite, politePolls: politePolls.requestsPerSecond, flatOut, flatOutPolls: flatOutPolls.requestsPerSecond };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchFeed(), null, 2));
