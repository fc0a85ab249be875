import { spawn, type ChildProcess } from 'node:child_process';
import { after, before } from 'node:test';
import pg from 'pg';
import { freshDatabase } from './db.js';
import { morningIn } from './fixtures.js';

export interface RunningCluster {
  baseUrl: string;
  /** Where the primary serves /metrics (its own listener on loopback, not the public port). */
  metricsUrl: string;
  workerPids: Set<number>;
  /** Everything the primary and its workers printed so far. */
  output(): string;
  /** Resolves with the primary's exit code once it has ended by itself. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
  /** SIGKILL of the primary and its workers at once, as when the machine loses power. */
  kill(): Promise<void>;
}

export interface ClusterOptions {
  /** Resolve once the port answers (workers may still wait for their database), not when every worker serves. */
  portOnly?: boolean;
  /** How long it may take to start. */
  timeoutMs?: number;
  /** What to run: the sources through tsx (the default), or the build (`dist/main.js`, as `npm start` does). */
  entry?: 'src/main.ts' | 'dist/main.js';
}

/**
 * Starts the real `src/main.ts` (primary + node:cluster workers) against a database,
 * and resolves when every worker listens.
 */
export async function startCluster(
  databaseUrl: string,
  workers: number,
  env: Record<string, string> = {},
  options: ClusterOptions = {},
): Promise<RunningCluster> {
  const args = options.entry === 'dist/main.js' ? ['dist/main.js'] : ['--import', 'tsx', 'src/main.ts'];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      WEB_CONCURRENCY: String(workers),
      PORT: '0',
      LOG_LEVEL: 'info',
      ANSTURM_SEED_DEMO: 'false',
      ADMIN_TOKEN: 'cluster-admin-token-0123456789',
      ANSTURM_METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const workerPids = new Set<number>();
  let output = '';
  let metricsUrl = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = new Promise<string>((resolve, reject) => {
    let url: string | undefined;
    const timer = setTimeout(() => reject(new Error(`cluster did not start:\n${output}`)), options.timeoutMs ?? 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of chunk.toString().split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { msg?: string; pid?: number };
        const m = (options.portOnly ? /port open on (http:\/\/[\d.]+:\d+)/ : /listening on (http:\/\/[\d.]+:\d+)/).exec(entry.msg ?? '');
        if (m) url = m[1];
        const metrics = /metrics for Prometheus on (\S+)/.exec(entry.msg ?? '');
        if (metrics) metricsUrl = metrics[1]!;
        if (entry.msg?.startsWith('Server listening at') && entry.pid) workerPids.add(entry.pid);
      }
      if (url && (options.portOnly || workerPids.size === workers)) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`cluster exited with ${code}:\n${output}`)));
  });
  // A cluster that does not come up in time is not left behind: the primary and its workers are stopped.
  const baseUrl = await started.catch(async (err: unknown) => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      for (const pid of workerPids) killQuietly(pid);
      await exited;
    }
    throw err;
  });
  return {
    baseUrl,
    metricsUrl,
    workerPids,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      for (const pid of workerPids) killQuietly(pid);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export interface ClusterContext {
  database: { url: string; drop(): Promise<void> };
  cluster: RunningCluster;
  db: import('pg').Client;
}

/**
 * Registers before/after hooks that give the test file its own database, the real
 * `src/main.ts` on it with `workers` processes, and a client on that database.
 * `env` is read when the hooks run, so it may name peers started by earlier hooks.
 */
export function useCluster(workers: number, env: () => Record<string, string> = () => ({}), setUp?: () => Promise<void>): ClusterContext {
  const ctx = {} as ClusterContext;
  before(async () => {
    await setUp?.();
    ctx.database = await freshDatabase();
    ctx.cluster = await startCluster(ctx.database.url, workers, env());
    ctx.db = new pg.Client(ctx.database.url);
    await ctx.db.connect();
  });
  after(async () => {
    await ctx.db?.end();
    await ctx.cluster?.stop();
    await ctx.database?.drop();
  });
  return ctx;
}

/**
 * A set-up request as a patient client makes it: a 503 or 429 (the load shedder of a cluster still
 * warming up on a busy machine) is waited out for its Retry-After and tried again, at most `attempts`
 * times. Set-up is not what these tests test; the rush itself uses plain fetch.
 */
export async function patientFetch(url: string, init: RequestInit = {}, attempts = 30): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, init);
    if ((res.status !== 503 && res.status !== 429) || attempt >= attempts) return res;
    await res.arrayBuffer();
    const after = Math.min(2, Math.max(0.2, Number(res.headers.get('retry-after')) || 1));
    await new Promise((resolve) => setTimeout(resolve, after * 1000));
  }
}

/** What a rush books: four first-dose slots and one second-dose slot of a two-dose campaign, released now. */
export interface RushCampaign {
  campaignId: number;
  firstDoseIds: number[];
}

/**
 * Sets up a rush over HTTP with the admin token (through a balancer, or straight at a cluster): a centre, a
 * two-dose campaign, four first-dose slots of `firstCapacity` and a second-dose slot of `secondCapacity`, released.
 */
export async function setUpRushCampaign(baseUrl: string, name: string, firstCapacity: number, secondCapacity: number): Promise<RushCampaign> {
  const admin = async (path: string, body: unknown) => {
    const res = await patientFetch(baseUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer cluster-admin-token-0123456789' },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as Record<string, any>;
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const center = await admin('/api/v1/admin/centers', { name, address: 'Weg 1', postalCode: '58332', district: 'EN', lat: 51.29, lon: 7.29 });
  const campaign = await admin('/api/v1/admin/campaigns', { name, vaccine: { name: `${name}Vax`, doses: 2, minIntervalDays: 21, maxIntervalDays: 42 } });
  const slots = await admin('/api/v1/admin/slots', {
    slots: [
      ...Array.from({ length: 4 }, (_, i) => ({
        centerId: center.id,
        campaignId: campaign.id,
        startsAt: morningIn(2 + i),
        durationMinutes: 15,
        capacity: firstCapacity,
        dose: 1,
      })),
      { centerId: center.id, campaignId: campaign.id, startsAt: morningIn(30), durationMinutes: 15, capacity: secondCapacity, dose: 2 },
    ],
  });
  const ids: number[] = slots.slots.map((s: { id: number }) => s.id);
  await admin('/api/v1/admin/releases', { campaignId: campaign.id, slotIds: ids, opensAt: new Date(Date.now() - 1000).toISOString(), acknowledge: 'all' });
  return { campaignId: campaign.id as number, firstDoseIds: ids.slice(0, 4) };
}

/**
 * Waits until `check` holds, polling every 50 ms; fails after `ms`, naming `what`. Nothing sleeps for time to pass.
 * With `retryErrors` a check that throws (a server still starting) counts as "not yet".
 */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, ms = 60_000, { retryErrors = false } = {}): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = retryErrors
      ? await Promise.resolve()
          .then(check)
          .catch(() => false)
      : await check();
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
