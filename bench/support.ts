import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, chmod, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { loadConfig } from '../src/config.js';
import type { client } from '../simulator/http.js';

export const ADMIN = { authorization: 'Bearer bench-admin-token-0123456789' };

/**
 * A throwaway embedded PostgreSQL for one benchmark run; with `statements`, PostgreSQL also counts the time each
 * statement takes (pg_stat_statements, which the embedded server ships; loaded at its start).
 */
export async function benchDatabase(options: { statements?: boolean } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'ansturm-bench-'));
  await chmod(dir, 0o755);
  const flags = options.statements ? ['-c', 'shared_preload_libraries=pg_stat_statements'] : [];
  // BENCH_PG_PORT: another port, for a bench or a test beside one already running.
  const pg = await startEmbeddedPostgres(dir, Number(process.env.BENCH_PG_PORT ?? 54398), pino({ level: 'warn' }), { persistent: false, flags });
  await migrate(pg.url, pino({ level: 'warn' }));
  return {
    url: pg.url,
    /** The postmaster's process id: the root of PostgreSQL's process tree (bench/accounting.ts). */
    postmasterPid: async () => Number((await readFile(join(dir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]),
    async stop() {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The workers Ansturm starts by itself for this database (and this environment's WEB_CONCURRENCY, if set). */
export const workersFor = (databaseUrl: string): number =>
  loadConfig({ DATABASE_URL: databaseUrl, ...(process.env.WEB_CONCURRENCY ? { WEB_CONCURRENCY: process.env.WEB_CONCURRENCY } : {}) }).workers;

let built: Promise<void> | undefined;

/** `npm run build`, once per process: compiles what changed since the last build (scripts/build.ts), else nothing. */
export const buildOnce = (): Promise<void> =>
  (built ??= new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], (err) => (err ? reject(err) : resolve())),
  ));

/**
 * Starts Ansturm as `npm start` does (the build, dist/main.js; not src/main.ts through tsx, whose transform adds
 * calls of its own to the code measured) with the given number of workers on a free port; `undefined`: as many as
 * Ansturm starts by itself (WEB_CONCURRENCY, else src/config.ts `defaultWorkers`), as a district's installation would.
 */
export async function startAnsturm(databaseUrl: string, workers: number | undefined, env: Record<string, string> = {}) {
  await buildOnce();
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, 'dist/main.js'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      ...(workers === undefined ? {} : { WEB_CONCURRENCY: String(workers) }),
      PORT: '0',
      LOG_LEVEL: 'info',
      ANSTURM_SEED_DEMO: 'false',
      ADMIN_TOKEN: ADMIN.authorization.slice(7),
      ANSTURM_METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The primary logs its URL at info; ask for it explicitly.
  let metricsUrl = '';
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      metricsUrl ||= /metrics for Prometheus on (\S+?)"/.exec(out)?.[1] ?? '';
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`ansturm exited with ${code}: ${out}`)));
  });
  // From here on its output is only drained: kept, it grew by every log line of a run, and each chunk searched it all.
  child.stdout!.removeAllListeners('data');
  child.stdout!.resume();
  return {
    url,
    metricsUrl,
    pid: child.pid!,
    async stop() {
      const done = once(child, 'exit');
      child.kill('SIGTERM');
      await done;
    },
  };
}

export interface Load {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Answers other than 2xx and 304 (a 304 is the answer a conditional request asks for). */
  failures: number;
  errors: number;
}

/** autocannon with fixed settings, so every pair of figures is measured alike. */
export async function load(url: string, opts: { connections: number; seconds: number; requests?: autocannon.Request[]; overallRate?: number }): Promise<Load> {
  const result = await autocannon({
    url,
    connections: opts.connections,
    duration: opts.seconds,
    requests: opts.requests,
    ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx - result['3xx'],
    errors: result.errors,
  };
}

export async function api(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as any;
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** What the bare server sends for a path: Ansturm's own bytes, type and ETag. */
export interface BareAnswer {
  body: string;
  type: string;
  etag?: string;
}

/**
 * The baseline: a bare node:http server sending, for each path, the bytes Ansturm sent for it (the
 * first path's for any other), and 304 to an If-None-Match that names its ETag.
 */
export async function startBareServer(answers: Record<string, BareAnswer>) {
  const dir = await mkdtemp(join(tmpdir(), 'ansturm-bare-'));
  const file = join(dir, 'answers.json');
  await writeFile(file, JSON.stringify(answers));
  const child = spawn(
    process.execPath,
    [
      '-e',
      `
    const answers = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'));
    for (const a of Object.values(answers)) a.bytes = Buffer.from(a.body);
    const first = Object.values(answers)[0];
    require('node:http').createServer((req, res) => {
      const a = answers[req.url] ?? first;
      if (a.etag && req.headers['if-none-match'] === a.etag) { res.writeHead(304, { etag: a.etag }); res.end(); return; }
      res.writeHead(200, { 'content-type': a.type, ...(a.etag ? { etag: a.etag } : {}) }); res.end(a.bytes);
    }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [portLine] = await once(child.stdout!, 'data');
  return {
    url: `http://127.0.0.1:${String(portLine).trim()}`,
    async stop() {
      child.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Alternating rounds, so a passing disturbance of the machine hits both sides alike. */
const ROUNDS = 3;

/**
 * GETs cycling over `paths` against Ansturm and against a bare node:http server sending the same
 * bytes: same requests, same load generator, same connections, on this machine, in alternating
 * rounds of `seconds / 3`; each side's figure is its median round. `perPath`: each path's own bytes
 * (else the first path's for all); `conditional`: every request sends the path's ETag (If-None-Match).
 */
export async function compareWithBare(
  base: string,
  paths: string[],
  connections: number,
  seconds: number,
  opts: { perPath?: boolean; conditional?: boolean } = {},
) {
  const answers: Record<string, BareAnswer> = {};
  for (const path of opts.perPath ? paths : paths.slice(0, 1)) {
    const res = await fetch(base + path);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    answers[path] = { body: await res.text(), type: res.headers.get('content-type')!, etag: res.headers.get('etag') ?? undefined };
  }
  const body = answers[paths[0]!]!.body;
  let n = 0;
  const requests = [
    {
      method: 'GET' as const,
      setupRequest: (req: any) => {
        const path = paths[n++ % paths.length]!;
        const etag = answers[path]?.etag;
        return { ...req, path, ...(opts.conditional && etag ? { headers: { ...req.headers, 'if-none-match': etag } } : {}) };
      },
    },
  ];
  const bare = await startBareServer(answers);
  const rounds: { ours: Load; baseline: Load }[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const ours = await load(base, { connections, seconds: Math.max(1, Math.round(seconds / ROUNDS)), requests });
      const baseline = await load(bare.url, { connections, seconds: Math.max(1, Math.round(seconds / ROUNDS)), requests });
      rounds.push({ ours, baseline });
      if (process.env.BENCH_VERBOSE) console.error(`round ${i + 1}: ours ${ours.requestsPerSecond}/s, bare ${baseline.requestsPerSecond}/s`);
    }
  } finally {
    await bare.stop();
  }
  const median = (side: 'ours' | 'baseline') => rounds.map((r) => r[side]).sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(ROUNDS / 2)]!;
  const ours = median('ours');
  const baseline = median('baseline');
  return { ours, baseline, ratio: ours.requestsPerSecond / baseline.requestsPerSecond, responseBytes: body.length };
}

/**
 * One centre, a one-dose campaign, one slot of 1,000 and a release with a waiting room whose puzzle is
 * 0 bits (the benches measure the server, not the clients' proof of work).
 */
export async function benchWaitingRoom(
  base: string,
  release: { opensInMs: number; prequeueMinutes?: number },
  room: Record<string, number> = {},
): Promise<number> {
  const center = await api(
    base,
    'POST',
    '/api/v1/admin/centers',
    { name: 'Bench', address: 'A 1', postalCode: '58332', district: 'EN', lat: 51.29, lon: 7.29 },
    ADMIN,
  );
  const campaign = await api(base, 'POST', '/api/v1/admin/campaigns', { name: 'Bench', vaccine: { name: 'B', doses: 1 } }, ADMIN);
  const slots = await api(
    base,
    'POST',
    '/api/v1/admin/slots',
    {
      slots: [
        {
          centerId: center.id,
          campaignId: campaign.id,
          startsAt: new Date(Date.now() + 86_400_000).toISOString(),
          durationMinutes: 10,
          capacity: 1000,
          dose: 1,
        },
      ],
    },
    ADMIN,
  );
  const created = await api(
    base,
    'POST',
    '/api/v1/admin/releases',
    {
      campaignId: campaign.id,
      slotIds: [slots.slots[0].id],
      opensAt: new Date(Date.now() + release.opensInMs).toISOString(),
      waitingRoom: true,
      ...(release.prequeueMinutes === undefined ? {} : { prequeueMinutes: release.prequeueMinutes }),
      acknowledge: 'all',
    },
    ADMIN,
  );
  await api(base, 'PATCH', `/api/v1/admin/queue/rooms/${created.id}`, { difficulty: 0, ...room }, ADMIN);
  await new Promise((r) => setTimeout(r, 1500)); // the node's view of rooms refreshes every second
  return created.id as number;
}

export const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** A two-dose campaign, the second dose 21..42 days after the first. */
export const benchCampaign = (base: string) =>
  api(base, 'POST', '/api/v1/admin/campaigns', { name: 'Bench', vaccine: { name: 'B', doses: 2, minIntervalDays: 21, maxIntervalDays: 42 } }, ADMIN);

/**
 * A two-dose campaign at `centers` centres, each with first-dose slots every 15 minutes from 08:00 to
 * 18:00 on each of the next `days` days (4 units each) and second-dose slots `secondDoseDays` ahead (22..56
 * by default), all released a second ago.
 */
export async function benchCatalog(base: string, centers: number, days: number, secondDoseDays: [number, number] = [22, 56]) {
  const campaign = await benchCampaign(base);
  const slotIds: number[] = [];
  for (let i = 0; i < centers; i++) {
    const center = await api(
      base,
      'POST',
      '/api/v1/admin/centers',
      { name: `Zentrum ${i}`, address: `Straße ${i}`, postalCode: '58332', district: 'EN', lat: 51.0 + i * 0.03, lon: 7.0 + i * 0.03 },
      ADMIN,
    );
    for (const [dose, from, to] of [
      [1, 1, days],
      [2, ...secondDoseDays],
    ] as const) {
      const series = {
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
      };
      const s = await api(base, 'POST', '/api/v1/admin/slots', { series }, ADMIN);
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
  return { campaignId: campaign.id as number, slotIds };
}

/** Runs `step` from `concurrency` loops for `seconds`, counting what succeeded and what threw. */
export async function during<T>(seconds: number, concurrency: number, step: (i: number) => Promise<T>) {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        try {
          await step(next++);
          done++;
        } catch {
          failed++;
        }
      }
    }),
  );
  return { perSecond: Math.round(done / seconds), done, failed };
}

/**
 * Hold and confirm one first dose over HTTP, as a citizen's browser would; throws unless both are 201.
 * With `key`, each POST carries an Idempotency-Key made from it, as the web app's always do.
 */
export async function fullBooking(http: ReturnType<typeof client>, slotId: number, firstName: string, key?: string): Promise<void> {
  const keyed = (step: string): Record<string, string> => (key === undefined ? {} : { 'idempotency-key': `${key}-${step}` });
  const hold = await http.request('POST', '/api/v1/holds', { slotId }, keyed('hold'));
  if (hold.status !== 201) throw new Error(`hold: ${hold.status}`);
  const booking = await http.request(
    'POST',
    '/api/v1/bookings',
    {
      holdId: hold.body.holdId,
      person: { firstName, lastName: 'Bench', dateOfBirth: '1970-01-01', postalCode: '58332' },
    },
    keyed('booking'),
  );
  if (booking.status !== 201) throw new Error(`booking: ${booking.status}`);
}
