/**
 * Checks a waiting room's draw from outside, trusting nothing but the published figures: the seed
 * matches the hash published before opening, and ordering every pre-queue ticket by its draw
 * (HMAC-SHA256 with the seed as key over the ticket id) gives exactly the published order.
 *
 *   npm run verify-draw -- <releaseId> [--url https://termine.example.de] [--ticket <ticketId>]
 *
 * Exit code 0: the draw checks out; 1: it does not; 2: it could not be read.
 */
import { drawOf, seedHashOf } from '../queue/draw.js';

export interface DrawReport {
  releaseId: number;
  tickets: number;
  /** SHA-256 of the revealed seed equals the hash the room published before opening. */
  seedMatchesHash: boolean;
  /** Ordering by the recomputed draws gives the published order. */
  orderMatches: boolean;
  /** The first place where the published order differs (1-based), if it does. */
  firstDifference: number | null;
  /** For `--ticket`: its draw and its place in the recomputed order (null when it is not in the pre-queue). */
  ticket?: { ticketId: string; draw: string; rank: number | null };
}

async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function verifyDraw(baseUrl: string, releaseId: number, ticketId?: string): Promise<DrawReport> {
  const base = baseUrl.replace(/\/$/, '');
  const room = await getJson(`${base}/api/v1/queue/rooms/${releaseId}`);
  if (!room.seed) throw new Error(`release ${releaseId}: the room has not opened yet; the seed is revealed at opening (seed hash now: ${room.seedHash})`);
  const published = await getJson(`${base}/api/v1/queue/rooms/${releaseId}/prequeue`);
  const seed = Buffer.from(room.seed, 'hex');
  const seedMatchesHash = seedHashOf(seed) === room.seedHash && published.seed === room.seed && published.seedHash === room.seedHash;
  const ids: string[] = published.ticketIds;
  const recomputed = ids.map((id) => ({ id, draw: drawOf(seed, id) })).sort((a, b) => (a.draw < b.draw ? -1 : a.draw > b.draw ? 1 : 0));
  const difference = recomputed.findIndex((r, i) => r.id !== ids[i]);
  const report: DrawReport = {
    releaseId,
    tickets: ids.length,
    seedMatchesHash,
    orderMatches: difference === -1,
    firstDifference: difference === -1 ? null : difference + 1,
  };
  if (ticketId) {
    const rank = recomputed.findIndex((r) => r.id === ticketId);
    report.ticket = { ticketId, draw: drawOf(seed, ticketId), rank: rank === -1 ? null : rank + 1 };
  }
  return report;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i === -1 ? undefined : args.splice(i, 2)[1];
  };
  const url = option('--url') ?? process.env.ANSTURM_PUBLIC_URL ?? 'http://127.0.0.1:3000';
  const ticket = option('--ticket');
  const releaseId = Number(args[0]);
  if (!Number.isInteger(releaseId) || releaseId <= 0) {
    console.error('usage: npm run verify-draw -- <releaseId> [--url https://termine.example.de] [--ticket <ticketId>]');
    return 2;
  }
  let report: DrawReport;
  try {
    report = await verifyDraw(url, releaseId, ticket);
  } catch (err) {
    console.error(`could not check the draw: ${(err as Error).message}`);
    return 2;
  }
  const mark = (ok: boolean) => (ok ? 'yes' : 'NO');
  console.log(`release ${releaseId} at ${url}: ${report.tickets} tickets in the pre-queue`);
  console.log(`  the revealed seed matches the hash published before opening: ${mark(report.seedMatchesHash)}`);
  console.log(
    `  ordering every ticket by HMAC-SHA256(seed, ticket id) gives the published order: ${mark(report.orderMatches)}` +
      (report.firstDifference ? ` (first difference at place ${report.firstDifference})` : ''),
  );
  if (report.ticket) {
    console.log(
      `  ticket ${report.ticket.ticketId}: draw ${report.ticket.draw}, ` + (report.ticket.rank ? `place ${report.ticket.rank}` : 'not in the pre-queue'),
    );
  }
  return report.seedMatchesHash && report.orderMatches ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main();
