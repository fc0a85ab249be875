import { pino, type Logger } from 'pino';
import { loadConfig } from '../../src/config.js';
import { startNode, type RunningNode } from '../../src/node.js';
import { freshDatabase } from './db.js';
import { TestClock } from '../../src/time/clock.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

export interface TestNode extends RunningNode {
  url: string;
  clock: TestClock;
  /**
   * Moves the node's clock (and its database sessions' clock_now()) forward instead of sleeping, and
   * returns once both in-memory views have been reloaded after the move.
   */
  advance(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * An application node on its own fresh database, driven in-process with app.inject(). The
 * event-loop load shedder is off (a busy machine must not shed a test's requests); a test about
 * shedding turns it on with ANSTURM_MAX_EVENT_LOOP_DELAY_MS.
 */
export async function startTestNode(env: Record<string, string> = {}, opts: { log?: Logger; replicaOfItself?: boolean } = {}): Promise<TestNode> {
  const database = await freshDatabase();
  // A "replica" that is the database itself (a primary reads as current): the replica's code paths and metrics.
  const replica = opts.replicaOfItself ? { DATABASE_URL: database.url, DATABASE_REPLICA_URL: database.url } : {};
  const config = loadConfig({ ANSTURM_AVAILABILITY_REFRESH_MS: '200', ANSTURM_MAX_EVENT_LOOP_DELAY_MS: '0', ...replica, ...env });
  const clock = new TestClock();
  const node = await startNode(config, database.url, ADMIN_TOKEN, opts.log ?? pino({ level: process.env.LOG_LEVEL ?? 'silent' }), { clock });
  return {
    ...node,
    url: database.url,
    clock,
    async advance(ms) {
      clock.advance(ms);
      await Promise.all([node.view.reload(), node.queueView.refresh()]);
    },
    async stop() {
      await node.close();
      await database.drop();
    },
  };
}
