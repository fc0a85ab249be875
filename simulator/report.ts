import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Second } from './recorder.js';
import { KEPT_UP_TEXT } from '../planner/model.js';

/** The report as JSON, and as one self-contained HTML page with SVG charts (no CDN, no script). */
export function writeReport(dir: string, report: Record<string, any>): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${report.scenario.name}.json`);
  const html = join(dir, `${report.scenario.name}.html`);
  writeFileSync(json, JSON.stringify(report, null, 2));
  writeFileSync(html, page(report));
  return { json, html };
}

const esc = (s: unknown) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

interface Series {
  name: string;
  color: string;
  pick: (s: Second, prev: Second | undefined) => number;
}

const COLORS = ['#0b4f8a', '#c2410c', '#1d6b35', '#6b21a8'];
const fmt = (n: number) => Math.round(n).toLocaleString('en');

/**
 * A line chart of per-second readings: a time axis (seconds since the simulation started, and the opening
 * marked), a value axis from 0 to the highest value in `unit`, and a legend naming each line.
 */
function chart(title: string, seconds: Second[], series: Series[], unit: string, opensAtSecond: number | null): string {
  const [w, h, left, right, top, bottom] = [680, 220, 64, 12, 12, 40];
  const plotW = w - left - right;
  const plotH = h - top - bottom;
  const lines = series.map((x) => seconds.map((s, i) => x.pick(s, seconds[i - 1])));
  const max = Math.max(1, ...lines.flat());
  const first = seconds[0]?.t ?? 0;
  const last = Math.max(first + 1, seconds.at(-1)?.t ?? 1);
  const x = (t: number) => left + ((t - first) / (last - first)) * plotW;
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const polylines = lines
    .map((values, k) => {
      const points = values.map((v, i) => `${x(seconds[i]!.t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      return `<polyline fill="none" stroke="${series[k]!.color}" stroke-width="2" points="${points}"/>`;
    })
    .join('');
  const timeTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(first + f * (last - first)));
  const valueTicks = [0, max / 2, max];
  const axes = [
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#555"/>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#555"/>`,
    ...valueTicks.map(
      (v) =>
        `<line x1="${left - 4}" y1="${y(v)}" x2="${left + plotW}" y2="${y(v)}" stroke="#ddd"/><text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${fmt(v)}</text>`,
    ),
    ...timeTicks.map(
      (t) =>
        `<line x1="${x(t)}" y1="${top + plotH}" x2="${x(t)}" y2="${top + plotH + 4}" stroke="#555"/><text x="${x(t)}" y="${top + plotH + 16}" text-anchor="middle">${t} s</text>`,
    ),
    `<text x="${left + plotW / 2}" y="${h - 4}" text-anchor="middle">seconds since the simulation started</text>`,
    `<text x="12" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 12 ${top + plotH / 2})">${esc(unit)}</text>`,
    opensAtSecond !== null && opensAtSecond >= first && opensAtSecond <= last
      ? `<line x1="${x(opensAtSecond)}" y1="${top}" x2="${x(opensAtSecond)}" y2="${top + plotH}" stroke="#888" stroke-dasharray="4 3"/><text x="${x(opensAtSecond) + 4}" y="${top + 12}">opening</text>`
      : '',
  ].join('');
  const legend = series.map((x) => `<span class="key"><span style="background:${x.color}"></span>${esc(x.name)}</span>`).join(' ');
  return `<figure><figcaption>${esc(title)} <small>(highest ${fmt(max)} ${esc(unit)}, ${seconds.length} readings)</small></figcaption>
<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}: ${esc(series.map((x) => x.name).join(', '))} over time, highest ${fmt(max)} ${esc(unit)}"><rect width="${w}" height="${h}" fill="#f6f8fa"/>${axes}${polylines}</svg>
<div class="legend">${legend}</div></figure>`;
}

/** Counters in words, for the table of people. */
const COUNTER_NAMES: Record<string, string> = {
  arrived: 'arrived',
  joined: 'joined the waiting room',
  admitted: 'admitted',
  held: 'held an appointment',
  booked: 'booked',
  waitlisted: 'joined the wait list',
  abandoned: 'gave up while waiting',
  gaveUp: 'found nothing and left',
  botsRefused: 'bots refused',
  secondTabsDropped: 'second tabs dropped',
  codesReceived: 'verification codes received',
  searches: 'searches answered',
  slotsListed: 'appointment times those answers listed, in all',
  centresListed: 'centres those answers listed, in all',
};

function page(r: Record<string, any>): string {
  const s: Second[] = r.timeline;
  const i = r.integrity;
  const ok = (n: number) => (n === 0 ? '✓ 0' : `✗ ${n}`);
  // The timeline counts seconds from the start; the opening came `openedAfterSeconds` in.
  const opening: number | null = typeof r.openedAfterSeconds === 'number' ? r.openedAfterSeconds : null;
  const rows = (r.endpoints as any[])
    .map(
      (e) =>
        `<tr><td>${esc(e.phase)}</td><td>${esc(e.endpoint)}</td><td class="n">${fmt(e.requests)}</td><td class="n">${e.p50Ms}</td><td class="n">${e.p95Ms}</td><td class="n">${e.p99Ms}</td><td>${esc(
          Object.entries(e.statuses)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', '),
        )}</td><td class="n">${e.failures}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ansturm release-day simulation: ${esc(r.scenario.name)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.2rem .4rem;text-align:left}td.n{text-align:right}figure{margin:1rem 0}svg{width:100%;height:auto;font:11px system-ui,sans-serif}.legend{font-size:.9em}.key{margin-right:1rem}.key span{display:inline-block;width:1.5em;height:.3em;margin-right:.4em;vertical-align:middle}.bad{color:#a4161a;font-weight:700}.good{color:#1d6b35;font-weight:700}</style></head><body>
<h1>Release-day simulation: ${esc(r.scenario.name)}</h1>
<p>${esc(r.scenario.description)}. Crowd ${r.scenario.crowd.toLocaleString('en')}, first-dose appointments ${r.scenario.releases.join(' + ')}, ${r.scenario.centers} centres, waiting room ${r.scenario.waitingRoom ? 'on' : 'off'}, verification ${r.scenario.verification ? `by SMS at ${r.scenario.smsPerSecond}/s` : 'off'}. Ran ${r.durationSeconds} s on ${esc(r.machine)}; started ${esc(r.startedAt)}.</p>
<h2>Verdict</h2><p class="${r.verdict.held ? 'good' : 'bad'}">${esc(r.verdict.text)}</p>
<h2>Integrity (read from the database)</h2><ul>
<li>Overbooked slots: ${ok(i.overbookedSlots)}</li><li>Bookings without their second dose: ${ok(i.bookingsWithoutSecondDose)}</li><li>Messages lost: ${ok(i.messagesLost)} (failed: ${i.messagesFailed}, still queued at the end: ${i.messagesStillQueued})</li>
<li>Ledger mismatches (taken ≠ holds + bookings): ${ok(i.ledgerMismatches)}</li><li>Active bookings: ${i.activeBookings}</li>
<li>Fairness: rank correlation of join order and admission order after opening ${i.fairness.rankCorrelation ?? 'n/a'} over ${i.fairness.admittedAfterOpening} people</li>
<li>Code delivery: p50 ${i.codeDeliveryMs.p50} ms, p95 ${i.codeDeliveryMs.p95} ms, max ${i.codeDeliveryMs.max} ms (${i.codeDeliveryMs.count} codes)</li></ul>
<h2>Outcome</h2><ul><li>Sold out (every released first dose booked or held): ${r.soldOutSeconds === null ? 'no' : `${r.soldOutSeconds} s after opening`}</li><li>Fully booked (every released first dose booked): ${r.fullyBookedSeconds === null || r.fullyBookedSeconds === undefined ? 'no' : `${r.fullyBookedSeconds} s after opening`}</li><li>Bookings per second: ${r.bookingsPerSecond} on average from the first to the last booking, ${r.peakBookingsPerSecond} in the busiest second</li>
<li>Server-side p95 per second (its latency histogram): median ${r.serverLatency?.medianSecondP95Ms} ms, worst ${r.serverLatency?.worstSecondP95Ms} ms</li>
<li>Server: ${r.server.cpuSeconds} CPU s (${r.server.cpuCores} cores busy on average), ${r.server.residentMb} MB resident (Node processes; PostgreSQL not counted)</li></ul>
<h2>Cost</h2><table><thead><tr><th></th><th>in all</th><th>per person who came</th></tr></thead><tbody>
<tr><td>Ansturm CPU (every process, from /proc)</td><td class="n">${r.cost.ansturmCpuSeconds ?? 'n/a'} s</td><td class="n">${r.cost.perCitizen.ansturmCpuMs ?? 'n/a'} ms</td></tr>
<tr><td>PostgreSQL CPU (every process, from /proc)</td><td class="n">${r.cost.postgresCpuSeconds ?? 'n/a'} s</td><td class="n">${r.cost.perCitizen.postgresCpuMs ?? 'n/a'} ms</td></tr>
<tr><td>write transactions</td><td class="n">${fmt(r.cost.writeTransactions)}</td><td class="n">${r.cost.perCitizen.writeTransactions}</td></tr>
<tr><td>WAL</td><td class="n">${fmt(r.cost.walBytes / 1024)} KiB</td><td class="n">${r.cost.perCitizen.walBytes} bytes</td></tr>
<tr><td>the simulator's own CPU (${r.loadGenerator.processes} process${r.loadGenerator.processes === 1 ? '' : 'es'})</td><td class="n">${r.loadGenerator.cpuSeconds} s (busiest process ${Math.round(r.loadGenerator.busyShare * 100)} % of a core, event-loop delay p99 ${r.loadGenerator.eventLoopDelayP99Ms} ms, longest ${r.loadGenerator.eventLoopDelayMaxMs ?? 'n/a'} ms; requests waited for its own sockets p95 ${r.loadGenerator.socketWaitP95Ms} ms, worst second ${r.loadGenerator.worstSecondSocketWaitP95Ms} ms, not counted in the latencies above: a phone has a connection of its own)</td><td class="n">${r.loadGenerator.cpuPerCitizenMs} ms</td></tr>
</tbody></table>
<h2>What limited it</h2><p class="${r.limit.limit === 'none' ? 'good' : 'bad'}">${esc(r.limit.text)}</p>
<h2>Capacity: the planner beside this run</h2><table><tbody>
<tr><td>kept up (nothing failed or shed, every second's server p95 ≤ 1 s)</td><td class="n">${r.keptUp ? 'yes' : 'no'}, with ${fmt(r.scenario.crowd)} people</td></tr>
<tr><td>cores this crowd needs at its busiest, by the planner (costs of ${esc(r.planner.costsFrom)})</td><td class="n">${r.planner.predictedPeakCores}</td></tr>
<tr><td>cores the server used at most (five seconds, from /proc)</td><td class="n">${r.planner.measuredPeakCores ?? 'n/a'}</td></tr>
<tr><td>cores the server had at its busiest (this machine's, less what the simulator used then)</td><td class="n">${r.planner.serverCores}</td></tr>
<tr><td>appointment times and centres a search's answer listed on average (the planner prices a search by them)</td><td class="n">${r.planner.answerSlots ?? 'n/a'} at ${r.planner.answerCentres ?? 'n/a'}</td></tr>
<tr><td>people of this shape those cores keep up with, by the planner (${KEPT_UP_TEXT})</td><td class="n">${fmt(r.planner.predictedCrowd)}</td></tr>
</tbody></table>
<h2>People</h2><table><tbody>${Object.entries(r.counters as Record<string, number>)
    .map(([k, v]) => `<tr><td>${esc(COUNTER_NAMES[k] ?? k)}</td><td class="n">${fmt(v)}</td></tr>`)
    .join('')}</tbody></table>
${
  r.statements && r.statements.length > 0
    ? `<h2>The database's dearest statements (pg_stat_statements, from the crowd's start)</h2><table><thead><tr><th>statement</th><th class="n">calls</th><th class="n">ms in all</th><th class="n">ms each</th><th class="n">rows</th></tr></thead><tbody>${(
        r.statements as { calls: number; totalMs: number; meanMs: number; rows: number; query: string }[]
      )
        .map(
          (x) =>
            `<tr><td><code>${esc(x.query)}</code></td><td class="n">${fmt(x.calls)}</td><td class="n">${fmt(x.totalMs)}</td><td class="n">${x.meanMs}</td><td class="n">${fmt(x.rows)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : ''
}
<h2>Over time</h2>
${chart('People waiting in line', s, [{ name: 'waiting', color: COLORS[0]!, pick: (x) => x.waiting }], 'people', opening)}
${chart('Admissions per second', s, [{ name: 'admissions', color: COLORS[0]!, pick: (x) => x.admissionRate }], 'per second', opening)}
${chart(
  'Requests per second, and those shed or failed',
  s,
  [
    { name: 'requests', color: COLORS[0]!, pick: (x) => x.requests },
    { name: 'shed (503/429 with Retry-After)', color: COLORS[1]!, pick: (x) => x.shed },
    { name: 'failed', color: COLORS[2]!, pick: (x) => x.failures },
  ],
  'per second',
  opening,
)}
${chart(
  'p95 latency per second',
  s,
  [
    { name: 'as the citizens saw it (from a connection to the answer)', color: COLORS[0]!, pick: (x) => x.p95Ms },
    { name: 'inside the server (a bucket bound of its histogram)', color: COLORS[1]!, pick: (x) => x.serverP95Ms ?? 0 },
    { name: "waiting for one of the simulator's own sockets first (not in the citizens' figure)", color: COLORS[2]!, pick: (x) => x.socketWaitP95Ms ?? 0 },
  ],
  'ms',
  opening,
)}
${chart(
  'CPU per second (from /proc)',
  s,
  [
    { name: 'the server (Ansturm and PostgreSQL)', color: COLORS[0]!, pick: (x) => x.serverCores ?? 0 },
    { name: 'of it PostgreSQL', color: COLORS[3]!, pick: (x) => x.dbCores ?? 0 },
    { name: 'the simulator', color: COLORS[1]!, pick: (x) => x.generatorCores },
    { name: 'the busiest Ansturm process (one core is its limit)', color: COLORS[2]!, pick: (x) => x.busiestProcessCores ?? 0 },
  ],
  'cores',
  opening,
)}
${chart(
  "The machine's stalls (the kernel's pressure figures and steal time)",
  s,
  [
    { name: 'some task waiting for a core (share of the second)', color: COLORS[0]!, pick: (x) => x.machine?.cpuSome ?? 0 },
    { name: 'every task waiting for the disk (share of the second)', color: COLORS[1]!, pick: (x) => x.machine?.ioFull ?? 0 },
    { name: 'cores the hypervisor gave to someone else (steal)', color: COLORS[2]!, pick: (x) => x.machine?.stealCores ?? 0 },
  ],
  'share / cores',
  opening,
)}
${chart(
  "The database's sessions (pg_stat_activity, ten samples a second)",
  s,
  [
    { name: 'running a statement', color: COLORS[0]!, pick: (x) => x.database?.running ?? 0 },
    { name: 'waiting for row locks', color: COLORS[1]!, pick: (x) => x.database?.rowLocks ?? 0 },
    { name: "waiting for the WAL's flush", color: COLORS[2]!, pick: (x) => x.database?.walFlush ?? 0 },
    { name: 'in a transaction, waiting for their node', color: COLORS[3]!, pick: (x) => x.database?.waitingForNode ?? 0 },
  ],
  'sessions',
  opening,
)}
${chart('Bookings per second', s, [{ name: 'bookings', color: COLORS[0]!, pick: (x, p) => x.booked - (p?.booked ?? 0) }], 'per second', opening)}
<h2>Requests by phase and endpoint</h2><p>503 and 429 with Retry-After are load shedding; status 0 (no answer) and other 5xx are failures.</p>
<table><thead><tr><th>phase</th><th>endpoint</th><th>requests</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>statuses</th><th>failures</th></tr></thead><tbody>${rows}</tbody></table>
</body></html>`;
}
