import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './postgres.js';

export interface RunningHaproxy {
  /** Where clients send requests. */
  front: string;
  /** Each server's state as HAProxy sees it (node1: UP, node2: DOWN, ...), from its stats CSV. */
  states(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * Debian's HAProxy with the shipped configuration (deploy/haproxy/haproxy.cfg) in front of three
 * nodes (host:port each), on loopback. It is stopped by `stop()`, and killed should this process die.
 */
export async function startHaproxy(nodes: [string, string, string]): Promise<RunningHaproxy> {
  const [frontPort, statsPort] = [await freePort(), await freePort()];
  const stats = `http://127.0.0.1:${statsPort}/stats;csv`;
  const haproxy: ChildProcess = spawn('haproxy', ['-db', '-f', 'deploy/haproxy/haproxy.cfg'], {
    env: {
      ...process.env,
      HAPROXY_BIND: `127.0.0.1:${frontPort}`,
      HAPROXY_STATS_BIND: `127.0.0.1:${statsPort}`,
      ANSTURM_NODE_1: nodes[0],
      ANSTURM_NODE_2: nodes[1],
      ANSTURM_NODE_3: nodes[2],
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const killOnExit = () => haproxy.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    front: `http://127.0.0.1:${frontPort}`,
    async states() {
      const csv = await fetch(stats)
        .then((r) => r.text())
        .catch(() => '');
      const rows = csv.split('\n').map((line) => line.split(','));
      const status = rows[0]?.indexOf('status') ?? -1;
      return Object.fromEntries(rows.filter((r) => r[0] === 'nodes' && /^node\d$/.test(r[1] ?? '')).map((r) => [r[1]!, (r[status] ?? '').split(' ')[0]!]));
    },
    async stop() {
      process.off('exit', killOnExit);
      if (haproxy.exitCode !== null || haproxy.signalCode !== null) return;
      const exited = new Promise((resolve) => haproxy.once('exit', resolve));
      haproxy.kill('SIGTERM');
      await exited;
    },
  };
}
