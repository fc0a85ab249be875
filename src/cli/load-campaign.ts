/**
 * Loads a campaign from a JSON file (format: src/seed/load.ts, example: examples/campaign.json)
 * into the database named by DATABASE_URL, or into the embedded one under ./data.
 *
 *   npm run load-campaign -- examples/campaign.json
 */
import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { withDatabase } from './database.js';
import { loadCampaign, type CampaignSpec } from '../seed/load.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run load-campaign -- <campaign.json>');
  process.exit(2);
}
const config = loadConfig();
const log = pino({ level: config.logLevel });
const spec = JSON.parse(await readFile(file, 'utf8')) as CampaignSpec;
await withDatabase(config, log, async (db) => {
  const { slotIds, ...loaded } = await loadCampaign(db, spec);
  console.log(JSON.stringify({ ...loaded, slots: slotIds.length }));
});
