import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startTestNode, type TestNode } from './support/node.js';

/**
 * The operators' alert rules (deploy/prometheus/alerts.yml, also checked and unit-tested by promtool in
 * .ci/run) and the Grafana dashboard (deploy/grafana/ansturm.json) name only metrics a node exports: a
 * renamed metric fails here instead of silencing an alert on release day.
 */
describe('alert rules and dashboard', () => {
  let node: TestNode;
  before(async () => {
    node = await startTestNode({}, { replicaOfItself: true }); // the replica's metrics are exported only with one
  });
  after(() => node.stop());

  const exported = async () => {
    const text = await node.metricsText();
    return new Set([...text.matchAll(/^# TYPE (ansturm_\w+) /gm)].map((m) => m[1]!));
  };
  const named = (text: string) => new Set([...text.matchAll(/\b(ansturm_[a-z_]+?)(?:_bucket|_count|_sum)?\b/g)].map((m) => m[1]!));

  test('every Ansturm metric an alert rule uses is exported by a node', async () => {
    const rules = readFileSync(new URL('../deploy/prometheus/alerts.yml', import.meta.url), 'utf8');
    const have = await exported();
    const used = named(rules);
    assert.ok(used.size >= 2, 'the rules use the outbox and the request metrics');
    for (const metric of used) assert.ok(have.has(metric), `${metric} is used by an alert but not exported`);
    for (const alert of [
      'AnsturmVerificationCodesLate',
      'AnsturmOutboxBacklogOld',
      'AnsturmHoldsSlow',
      'AnsturmServerErrors',
      'AnsturmReplicationLag',
      'AnsturmReplicaStale',
      'AnsturmDiskFilling',
    ])
      assert.match(rules, new RegExp(`alert: ${alert}\\n`));
  });

  test('the dashboard: every panel has a title, a unit and a query on exported metrics (or the exporters’)', async () => {
    const dashboard = JSON.parse(readFileSync(new URL('../deploy/grafana/ansturm.json', import.meta.url), 'utf8')) as {
      panels: { title: string; fieldConfig: { defaults: { unit: string } }; targets: { expr: string }[] }[];
    };
    const have = await exported();
    assert.ok(dashboard.panels.length >= 10);
    for (const panel of dashboard.panels) {
      assert.ok(panel.title && panel.fieldConfig.defaults.unit, `${panel.title}: title and unit`);
      for (const target of panel.targets) for (const metric of named(target.expr)) assert.ok(have.has(metric), `${panel.title}: ${metric} is not exported`);
    }
  });
});
