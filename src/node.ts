import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AvailabilityView } from './availability/view.js';
import type { Config } from './config.js';
import { createPool, type Db } from './db/pool.js';
import { sharedSecret } from './db/settings.js';
import { Leader } from './jobs/leader.js';
import { coreTasks } from './jobs/tasks.js';
import { buildServer } from './server.js';

export interface RunningNode {
  app: FastifyInstance;
  db: Db;
  view: AvailabilityView;
  leader: Leader;
  /** Stops accepting, finishes in-flight requests, then lets go of the database. */
  close(): Promise<void>;
}

/** One stateless application node: its pool, its in-memory view, its share of periodic work, its HTTP server. */
export async function startNode(config: Config, databaseUrl: string, adminToken: string, log: Logger): Promise<RunningNode> {
  const db = createPool(databaseUrl, config.dbPoolSize);
  const identityKey = config.identityKey ?? (await sharedSecret(db, 'identity_hash_key'));
  const view = new AvailabilityView(db, databaseUrl, config.availabilityRefreshMs, log.child({ component: 'availability' }));
  await view.start();
  const leader = new Leader(databaseUrl, coreTasks(db, log), log.child({ component: 'leader' }));
  leader.start();
  const app = await buildServer({
    db,
    view,
    log,
    adminToken,
    identityKey,
    holdTtlSeconds: config.holdTtlSeconds,
    bodyLimitBytes: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
  });
  return {
    app,
    db,
    view,
    leader,
    async close() {
      await app.close();
      await leader.stop();
      await view.stop();
      await db.end();
    },
  };
}
