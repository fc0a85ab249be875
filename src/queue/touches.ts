import { run, type Db } from '../db/pool.js';
import type { Clock } from '../time/clock.js';
import * as sql from './repo.js';

/**
 * Records that tickets near the front still poll, in one UPDATE a second, at most once
 * per ticket every `everyMs` (at once for a skipped ticket, which returns to its place).
 * A ticket whose row was locked at that moment is recorded at its next poll.
 */
export class Touches {
  private readonly due = new Set<string>();
  private readonly last = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly everyMs: number,
    private readonly clock: Clock,
  ) {
    this.timer = setInterval(() => void this.flush(), Math.min(1000, everyMs));
    this.timer.unref();
  }

  record(ticketId: string, now: boolean): void {
    const last = this.last.get(ticketId) ?? 0;
    if (now || this.clock.now() - last >= this.everyMs) this.due.add(ticketId);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  async flush(): Promise<void> {
    if (this.due.size === 0) return;
    const ids = [...this.due];
    this.due.clear();
    const at = this.clock.now();
    for (const id of ids) this.last.set(id, at);
    if (this.last.size > 200_000) for (const [id, t] of this.last) if (at - t > 60_000) this.last.delete(id);
    try {
      const written = new Set((await run<{ id: string }>(this.db, sql.touchTickets(ids))).rows.map((r) => r.id));
      // One that was locked (or has left the line) is recorded again at its next poll.
      for (const id of ids) if (!written.has(id)) this.last.delete(id);
    } catch {
      ids.forEach((id) => this.due.add(id));
    }
  }
}
