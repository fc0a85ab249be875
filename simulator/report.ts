import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Second } from './recorder.js';

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

function chart(title: string, seconds: Second[], pick: (s: Second, prev: Second | undefined) => number, unit: string): string {
  const w = 640;
  const h = 160;
  const values = seconds.map((s, i) => pick(s, seconds[i - 1]));
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(h - 10 - (v / max) * (h - 20)).toFixed(1)}`).join(' ');
  return `<figure><figcaption>${esc(title)} <small>(max ${Math.round(max).toLocaleString('en')} ${esc(unit)}, ${values.length} s)</small></figcaption>
<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}"><rect width="${w}" height="${h}" fill="#f6f8fa"/><polyline fill="none" stroke="#0b4f8a" stroke-width="2" points="${points}"/></svg></figure>`;
}

function page(r: Record<string, any>): string {
  const s: Second[] = r.timeline;
  const i = r.integrity;
  const ok = (n: number) => (n === 0 ? '✓ 0' : `✗ ${n}`);
  const rows = (r.endpoints as any[])
    .map(
      (e) =>
        `<tr><td>${esc(e.phase)}</td><td>${esc(e.endpoint)}</td><td>${e.requests}</td><td>${e.p50Ms}</td><td>${e.p95Ms}</td><td>${e.p99Ms}</td><td>${esc(
          Object.entries(e.statuses)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', '),
        )}</td><td>${e.failures}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ansturm release-day simulation: ${esc(r.scenario.name)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.2rem .4rem;text-align:left}figure{margin:1rem 0}svg{width:100%;height:auto}.bad{color:#a4161a;font-weight:700}.good{color:#1d6b35;font-weight:700}</style></head><body>
<h1>Release-day simulation: ${esc(r.scenario.name)}</h1>
<p>${esc(r.scenario.description)}. Crowd ${r.scenario.crowd.toLocaleString('en')}, first-dose appointments ${r.scenario.releases.join(' + ')}, ${r.scenario.centers} centres, waiting room ${r.scenario.waitingRoom ? 'on' : 'off'}, verification ${r.scenario.verification ? `by SMS at ${r.scenario.smsPerSecond}/s` : 'off'}. Ran ${r.durationSeconds} s on ${esc(r.machine)}; started ${esc(r.startedAt)}.</p>
<h2>Verdict</h2><p class="${r.verdict.held ? 'good' : 'bad'}">${esc(r.verdict.text)}</p>
<h2>Integrity (read from the database)</h2><ul>
<li>Overbooked slots: ${ok(i.overbookedSlots)}</li><li>Bookings without their second dose: ${ok(i.bookingsWithoutSecondDose)}</li><li>Messages lost: ${ok(i.messagesLost)} (failed: ${i.messagesFailed}, still queued at the end: ${i.messagesStillQueued})</li>
<li>Ledger mismatches (taken ≠ holds + bookings): ${ok(i.ledgerMismatches)}</li><li>Active bookings: ${i.activeBookings}</li>
<li>Fairness: rank correlation of join order and admission order after opening ${i.fairness.rankCorrelation ?? 'n/a'} over ${i.fairness.admittedAfterOpening} people</li>
<li>Code delivery: p50 ${i.codeDeliveryMs.p50} ms, p95 ${i.codeDeliveryMs.p95} ms, max ${i.codeDeliveryMs.max} ms (${i.codeDeliveryMs.count} codes)</li></ul>
<h2>Outcome</h2><ul><li>Opening to sold out: ${r.soldOutSeconds === null ? 'not sold out' : `${r.soldOutSeconds} s`}</li><li>Bookings per second: ${r.bookingsPerSecond} on average from the first to the last booking, ${r.peakBookingsPerSecond} in the busiest second</li>
<li>Server-side p95 per second (its latency histogram): median ${r.serverLatency?.medianSecondP95Ms} ms, worst ${r.serverLatency?.worstSecondP95Ms} ms</li>
<li>People: ${esc(JSON.stringify(r.counters))}</li><li>Server: ${r.server.cpuSeconds} CPU s (${r.server.cpuCores} cores busy on average), ${r.server.residentMb} MB resident (Node processes; PostgreSQL not counted)</li></ul>
<h2>Over time</h2>
${chart('People waiting in line', s, (x) => x.waiting, 'people')}
${chart('Admissions per second', s, (x) => x.admissionRate, '/s')}
${chart('Requests per second', s, (x) => x.requests, '/s')}
${chart("p95 latency per second, as the citizens saw it (includes waiting for one of the simulator's sockets)", s, (x) => x.p95Ms, 'ms')}
${chart('p95 latency per second inside the server (bucket bound)', s, (x) => x.serverP95Ms ?? 0, 'ms')}
${chart('Bookings per second', s, (x, p) => x.booked - (p?.booked ?? 0), '/s')}
<h2>Requests by phase and endpoint</h2><p>503 and 429 with Retry-After are load shedding; status 0 (no answer) and other 5xx are failures.</p>
<table><thead><tr><th>phase</th><th>endpoint</th><th>requests</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>statuses</th><th>failures</th></tr></thead><tbody>${rows}</tbody></table>
</body></html>`;
}
