import { describe, expect, test } from 'vitest';
import { ALL_RULE_GROUPS, AlertRule, Component, RecordingRule, Severity } from '../../lib/prometheus/rules/index.js';
import { durationSeconds } from './boundaries/promql-ast.js';
import { metricNames, promqlErrors, unknownMetrics } from './promql.js';
import { promtool, writeRuleFiles } from './promtool.js';

const rules = ALL_RULE_GROUPS.flatMap((g) => g.rules);
const alerts = rules.filter((r): r is AlertRule => 'alert' in r);
const recordings = rules.filter((r): r is RecordingRule => 'record' in r);


describe('alert rules', () => {
  test('ship at least 25 alerting rules over the six groups of the spec', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(25);
    expect(new Set(alerts.map((a) => a.labels.component))).toEqual(new Set(Object.values(Component)));
  });

  test.each(alerts.map((a) => [`${a.alert}/${a.labels.severity}`, a] as const))('%s has labels, annotations and a for', (_, alert) => {
    expect(Object.values(Severity)).toContain(alert.labels.severity);
    expect(Object.values(Component)).toContain(alert.labels.component);
    expect(alert.annotations.summary).toMatch(/\{\{ \$labels\.\w+ \}\}/);
    expect(alert.annotations.description).toMatch(/\{\{ \$value \| (humanize\w*|printf "[^"]+") \}\}/);
    // Every alert waits at least a minute, so one bad scrape never pages anyone.
    expect(alert.for ? durationSeconds(alert.for) : 0).toBeGreaterThanOrEqual(60);
  });

  test('twins share an alertname and differ in severity only', () => {
    const bySeverity = new Map<string, string[]>();
    for (const a of alerts) bySeverity.set(a.alert, [...(bySeverity.get(a.alert) ?? []), a.labels.severity]);
    const duplicated = [...bySeverity].filter(([, severities]) => new Set(severities).size !== severities.length);
    expect(duplicated).toEqual([]);
    for (const [name, severities] of bySeverity) {
      const twins = alerts.filter((a) => a.alert === name);
      expect(new Set(twins.map((t) => t.labels.component)).size, name).toBe(1);
      expect(new Set(twins.map((t) => t.annotations.description)).size, name).toBe(1);
      expect(severities.length, name).toBeLessThanOrEqual(2);
    }
  });

  test('rule group and alert names are unique', () => {
    expect(new Set(ALL_RULE_GROUPS.map((g) => g.name)).size).toBe(ALL_RULE_GROUPS.length);
    expect(new Set(recordings.map((r) => r.record)).size).toBe(recordings.length);
  });
});

describe('rule expressions', () => {
  test.each(rules.map((r) => ['alert' in r ? r.alert : r.record, r.expr] as const))('%s parses with lezer-promql', (_, expr) => {
    expect(promqlErrors(expr)).toEqual([]);
    expect(metricNames(expr).length).toBeGreaterThan(0);
  });

  test('use only metrics the stack exports or records', () => {
    expect(rules.flatMap((r) => unknownMetrics(r.expr))).toEqual([]);
  });

  test('the metric check notices a metric nobody exports', () => {
    expect(unknownMetrics('rate(node_cpu_seconds_totl[5m]) > 0')).toEqual(['node_cpu_seconds_totl']);
    expect(promqlErrors('sum(rate(up[5m])')).not.toEqual([]);
  });
});

describe('promtool check rules', () => {
  const files = writeRuleFiles();
  test.each([...files])('%s is a valid rule file', (_, file) => {
    const run = promtool('check', 'rules', file);
    expect(run.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(run.status).toBe(0);
  });

  test('fails on a broken expression', () => {
    const [file] = writeRuleFiles([{ name: 'broken', rules: [{ record: 'x:y:z', expr: 'sum(' }] }]).values();
    expect(promtool('check', 'rules', file).status).not.toBe(0);
  });
});
