import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface RunningCluster {
  baseUrl: string;
  workerPids: Set<number>;
  stop(): Promise<number | null>;
}

/**
 * Starts the real `src/main.ts` (primary + node:cluster workers) against a database,
 * and resolves when every worker listens.
 */
export async function startCluster(databaseUrl: string, workers: number, env: Record<string, string> = {}): Promise<RunningCluster> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      WEB_CONCURRENCY: String(workers),
      PORT: '0',
      LOG_LEVEL: 'info',
      ANSTURM_SEED_DEMO: 'false',
      ADMIN_TOKEN: 'cluster-admin-token-0123456789',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const workerPids = new Set<number>();
  let output = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let url: string | undefined;
    const timer = setTimeout(() => reject(new Error(`cluster did not start:\n${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of chunk.toString().split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { msg?: string; pid?: number };
        const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(entry.msg ?? '');
        if (m) url = m[1];
        if (entry.msg?.startsWith('Server listening at') && entry.pid) workerPids.add(entry.pid);
      }
      if (url && workerPids.size === workers) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`cluster exited with ${code}:\n${output}`)));
  });
  return {
    baseUrl,
    workerPids,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
  };
}
