/** Availability search on one Ansturm process vs a bare node:http server sending the same JSON, same requests. */
import { benchCatalog, benchDatabase, compareWithBare, day, startAnsturm } from './support.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const CENTERS = 20;

export async function benchAvailability() {
  const db = await benchDatabase();
  const app = await startAnsturm(db.url, 1);
  try {
    const base = app.url;
    const { campaignId, slotIds } = await benchCatalog(base, CENTERS, 14);
    await new Promise((r) => setTimeout(r, 2000));

    const codes = ['58332', '58452', '45525', '58285', '44135', '58300'];
    const paths = codes.map((pc) => `/api/v1/availability?campaignId=${campaignId}&postalCode=${pc}&radiusKm=50&from=${day(1)}&to=${day(7)}`);
    const { ours, baseline, ratio, responseBytes } = await compareWithBare(base, paths, CONNECTIONS, SECONDS);
    return { name: 'availability search', ours, baseline, ratio, extra: { centers: CENTERS, slots: slotIds.length, responseBytes } };
  } finally {
    await app.stop();
    await db.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchAvailability(), null, 2));
