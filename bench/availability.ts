/** Availability search on one Ansturm process vs a bare node:http server sending the same JSON, same requests. */
import { ADMIN, api, benchDatabase, compareWithBare, startAnsturm } from './support.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const CENTERS = 20;

export async function benchAvailability() {
  const db = await benchDatabase();
  const app = await startAnsturm(db.url, 1);
  try {
    const base = app.url;
    const campaign = await api(
      base,
      'POST',
      '/api/v1/admin/campaigns',
      { name: 'Bench', vaccine: { name: 'B', doses: 2, minIntervalDays: 21, maxIntervalDays: 42 } },
      ADMIN,
    );
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    const slotIds: number[] = [];
    for (let i = 0; i < CENTERS; i++) {
      const center = await api(
        base,
        'POST',
        '/api/v1/admin/centers',
        { name: `Zentrum ${i}`, address: `Straße ${i}`, postalCode: '58332', district: 'EN', lat: 51.0 + i * 0.03, lon: 7.0 + i * 0.03 },
        ADMIN,
      );
      for (const [dose, from, to] of [
        [1, 1, 14],
        [2, 22, 56],
      ] as const) {
        const s = await api(
          base,
          'POST',
          '/api/v1/admin/slots',
          {
            series: {
              centerId: center.id,
              campaignId: campaign.id,
              dose,
              from: day(from),
              to: day(to),
              weekdays: [1, 2, 3, 4, 5, 6, 7],
              opens: '08:00',
              closes: '18:00',
              intervalMinutes: 15,
              capacity: 4,
            },
          },
          ADMIN,
        );
        slotIds.push(...s.slots.map((x: { id: number }) => x.id));
      }
    }
    await api(
      base,
      'POST',
      '/api/v1/admin/releases',
      { campaignId: campaign.id, slotIds, opensAt: new Date(Date.now() - 1000).toISOString(), acknowledge: 'all' },
      ADMIN,
    );
    await new Promise((r) => setTimeout(r, 2000));

    const codes = ['58332', '58452', '45525', '58285', '44135', '58300'];
    const paths = codes.map((pc) => `/api/v1/availability?campaignId=${campaign.id}&postalCode=${pc}&radiusKm=50&from=${day(1)}&to=${day(7)}`);
    const { ours, baseline, ratio, responseBytes } = await compareWithBare(base, paths, CONNECTIONS, SECONDS);
    return { name: 'availability search', ours, baseline, ratio, extra: { centers: CENTERS, slots: slotIds.length, responseBytes } };
  } finally {
    await app.stop();
    await db.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchAvailability(), null, 2));
