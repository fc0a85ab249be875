import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freshDatabase } from './support/db.js';
import { PRESETS } from '../simulator/presets.js';
import { simulate } from '../simulator/simulate.js';
import { writeReport } from '../simulator/report.js';
import { spearman } from '../simulator/integrity.js';

test('a small release day through the simulator: 300 people, 100 appointments, nothing overbooked or lost', async () => {
  const database = await freshDatabase();
  const out = mkdtempSync(join(tmpdir(), 'ansturm-sim-'));
  try {
    const report = await simulate({ scenario: { ...PRESETS.small!, durationSeconds: 30 }, databaseUrl: database.url, workers: 1, leadSeconds: 6, sockets: 64 });
    const i = report.integrity;
    assert.equal(i.overbookedSlots, 0);
    assert.equal(i.bookingsWithoutSecondDose, 0);
    assert.equal(i.messagesLost, 0);
    assert.equal(i.ledgerMismatches, 0);
    assert.ok(report.counters.booked > 50 && report.counters.booked <= 100, `booked ${report.counters.booked}`);
    assert.equal(i.activeBookings, report.counters.booked, 'every confirmation the citizens saw is in the database');
    assert.ok(report.counters.botsRefused >= 0);
    assert.equal(
      report.endpoints.reduce((n, e) => n + e.failures, 0),
      0,
      'no failed request',
    );
    assert.ok(report.timeline.length >= 5);
    assert.ok(report.server.cpuSeconds > 0);
    const files = writeReport(out, report);
    const html = readFileSync(files.html, 'utf8');
    assert.match(html, /<svg/);
    assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/, 'self-contained: no scripts, nothing fetched');
    assert.equal(JSON.parse(readFileSync(files.json, 'utf8')).integrity.overbookedSlots, 0);
  } finally {
    rmSync(out, { recursive: true, force: true });
    await database.drop();
  }
});

test('rank correlation: 1 for the same order, -1 for the reverse, ties share their rank', () => {
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(spearman([1, 2, 3, 4], [40, 30, 20, 10]), -1);
  assert.equal(spearman([1, 2, 3, 4], [5, 5, 6, 6]), 0.8944);
  assert.equal(spearman([1], [1]), null);
});
