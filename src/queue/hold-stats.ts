import { hostname } from 'node:os';
import type { Db } from '../db/pool.js';
import { run } from '../db/pool.js';
import { reportNodeStats } from './repo.js';

const WINDOW_MS = 5_000;

/**
 * Measures this node's hold latency and failures and reports them once a second
 * (one upsert per node), so the admission controller can slow down when holds suffer.
 */
export class HoldStats {
  private samples: { at: number; ms: number; failed: boolean }[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly nodeId = `${hostname()}:${process.pid}`;

  constructor(private readonly db: Db) {
    this.timer = setInterval(() => void this.report().catch(() => undefined), 1000);
    this.timer.unref();
  }

  record(ms: number, status: number): void {
    this.samples.push({ at: Date.now(), ms, failed: status >= 500 });
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async report(): Promise<void> {
    const cutoff = Date.now() - WINDOW_MS;
    this.samples = this.samples.filter((s) => s.at >= cutoff);
    if (this.samples.length === 0) return;
    const sorted = this.samples.map((s) => s.ms).sort((a, b) => a - b);
    const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!;
    await run(this.db, reportNodeStats(this.nodeId, p95, sorted.length, this.samples.filter((s) => s.failed).length));
  }
}
