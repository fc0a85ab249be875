import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from './pool.js';

/** First pause after a failed attempt; each further one doubles, up to the most. */
const FIRST_PAUSE_MS = 250;
/** Short enough that service is back within seconds of the database. */
const MOST_PAUSE_MS = 4_000;

/**
 * Runs `attempt` until it succeeds, pausing with backoff while the database is unavailable
 * (stopped, restarting, failing over, not yet started). Any other error is thrown at once: it
 * is a fault that waiting cannot mend. Gives up quietly, throwing the signal's reason, when
 * `signal` aborts (the process is told to stop while it waits).
 */
export async function whenDatabaseAnswers<T>(what: string, attempt: () => Promise<T>, log: Logger, signal?: AbortSignal): Promise<T> {
  for (let tries = 1; ; tries++) {
    signal?.throwIfAborted();
    try {
      return await attempt();
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      const pauseMs = Math.min(MOST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (tries - 1));
      // Said loudly once, then quietly: an outage of minutes should not flood the log.
      log[tries === 1 ? 'warn' : 'debug']({ err: String(err), tries, pauseMs }, `${what}: the database is not reachable; waiting for it`);
      await sleep(pauseMs, undefined, { signal });
    }
  }
}
