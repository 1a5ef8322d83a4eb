import { describe, expect, test } from 'vitest';
import { ALL_RULE_GROUPS, type AlertRule, Component, type RuleGroup, Severity } from '../../lib/prometheus/rules/index.js';
import { thermalRules } from '../../lib/prometheus/rules/thermal.js';
import { type Boundary, BORN_SEC, STEP_SEC, deriveBoundary } from './boundaries/derive.js';
import { MUTATIONS } from './boundaries/mutations.js';
import { parsePromql } from './boundaries/promql-ast.js';
import { evaluate, type World } from './boundaries/promql-model.js';
import { ALERT_INTENT } from './alert-intent.js';
import { CASES_BY_GROUP } from './cases/index.js';
import { boundaryTestFile, promtool } from './promtool.js';

const alertsOf = (group: RuleGroup) => group.rules.filter((r): r is AlertRule => 'alert' in r);
const alertGroups = ALL_RULE_GROUPS.filter((g) => alertsOf(g).length > 0);

const intentOf = (rule: AlertRule) => ALERT_INTENT[`${rule.alert}/${rule.labels.severity}`];

/**
 * The boundaries of each alert of `group` at its intended numbers, labelled from its hand-written cases; a failed
 * derivation (or a missing intent) as its message.
 */
function boundariesOf(group: RuleGroup): Array<Boundary | string> {
  const cases = CASES_BY_GROUP[group.name] ?? [];
  return alertsOf(group).map((rule) => {
    const intent = intentOf(rule);
    if (!intent) return `${rule.alert}/${rule.labels.severity}: no intent in test/rules/alert-intent.ts`;
    try {
      return deriveBoundary(rule, cases.filter((c) => c.alert === rule.alert), intent);
    } catch (err) {
      return (err as Error).message;
    }
  });
}

const casesOf = (boundaries: ReadonlyArray<Boundary | string>) => boundaries.flatMap((b) => (typeof b === 'string' ? [] : b.cases));

test('every alert rule declares its intended numbers, and every intent has its rule', () => {
  const rules = alertGroups.flatMap(alertsOf).map((r) => `${r.alert}/${r.labels.severity}`);
  expect(Object.keys(ALERT_INTENT).sort()).toEqual([...rules].sort());
});

describe.each(alertGroups.map((g) => [g.name, g] as const))('alert boundaries at the rules\' intended numbers: %s', (_, group) => {
  const boundaries = boundariesOf(group);

  test('every alert rule gets a case just past its threshold and one just inside, timed by its for', () => {
    expect(boundaries.filter((b) => typeof b === 'string')).toEqual([]);
    for (const b of boundaries as Boundary[]) {
      const [past, inside] = b.cases;
      expect(past.checks.at(-1)).toEqual({ atSec: b.onsetSec + b.forSec + STEP_SEC, state: 'firing' });
      expect(past.checks).toContainEqual({ atSec: b.onsetSec + b.forSec - STEP_SEC, state: 'pending' });
      expect(inside.checks).toEqual([{ atSec: b.onsetSec + b.forSec + STEP_SEC, state: 'quiet' }]);
      // Within 3% of an ordering threshold, so one moved by 10% either way flips one of the two cases.
      const tolerance = b.threshold.value === 0 ? 1 : 0.03 * Math.abs(b.threshold.value);
      const distances = ['==', '!='].includes(b.threshold.op) ? [b.past - b.threshold.value] : [b.past - b.threshold.value, b.inside - b.threshold.value];
      for (const d of distances) expect(Math.abs(d), `${b.alert}/${b.severity}`).toBeLessThanOrEqual(tolerance);
    }
  });

  test('promtool passes every boundary case', () => {
    const run = promtool('test', 'rules', boundaryTestFile(group, casesOf(boundaries)));
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });
});

describe('alert boundaries: the cases bite', () => {
  const rule = alertsOf(thermalRules).find((r) => r.alert === 'GpuTemperatureHigh' && r.labels.severity === 'critical')!;
  const boundary = deriveBoundary(rule, CASES_BY_GROUP[thermalRules.name].filter((c) => c.alert === rule.alert));

  test.each(MUTATIONS.map((m) => [m.kind, m] as const))('they fail when GpuTemperatureHigh/critical gets %s', (_, mutation) => {
    const mutated = { ...thermalRules, rules: thermalRules.rules.map((r) => (r === rule ? mutation.apply(rule)! : r)) };
    const run = promtool('test', 'rules', boundaryTestFile(mutated, boundary.cases));
    expect(run.output).toContain('FAILED');
    expect(run.status).not.toBe(0);
  });

  test('a rule the model cannot read fails loudly, naming it and why', () => {
    const unreadable = { ...rule, expr: 'absent(nvidia_gpu_temperature_celsius)' };
    expect(() => deriveBoundary(unreadable, [])).toThrow(/GpuTemperatureHigh\/critical: its condition does not end in a comparison/);
    const unmodelled = { ...rule, expr: 'quantile_over_time(0.9, nvidia_gpu_temperature_celsius[5m]) > 85' };
    expect(() => deriveBoundary(unmodelled, [])).toThrow(/GpuTemperatureHigh\/critical: function quantile_over_time\(\) is not modelled/);
  });
});

describe('alert boundaries: the model reads new rule forms with no code of their own', () => {
  const alert = (name: string, expr: string, duration: string) => ({
    alert: name, expr, for: duration, labels: { severity: Severity.WARNING, component: Component.NODE }, annotations: { summary: name, description: name },
  });
  test('a latency quantile of a histogram and a share of failed requests, as DNS alerts would be', () => {
    const group: RuleGroup = { name: 'dns', rules: [
      alert('DnsSlow', 'histogram_quantile(0.99, sum by (instance, le) (rate(coredns_dns_request_duration_seconds_bucket[5m]))) > 0.5', '10m'),
      alert('DnsFailing', 'sum by (instance) (rate(coredns_dns_responses_total{rcode=~"SERVFAIL|NXDOMAIN"}[5m])) / '
        + 'sum by (instance) (rate(coredns_dns_responses_total[5m])) > 0.05', '5m'),
    ] };
    const boundaries = alertsOf(group).map((r) => deriveBoundary(r, []));
    expect(boundaries.map((b) => [b.alert, b.past, b.inside])).toEqual([['DnsSlow', 0.505, 0.495], ['DnsFailing', 0.0505, 0.0495]]);
    const run = promtool('test', 'rules', boundaryTestFile(group, boundaries.flatMap((b) => b.cases)));
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });
});

describe('the PromQL model behind the boundaries', () => {
  /** One series `x` born at 0, sampled every 15 s with `values` (the last value repeats). */
  const world = (values: number[], name = 'x'): World => ({
    stepSec: STEP_SEC,
    series: [{ labels: { __name__: name }, startSec: 0, valueAt: (t) => values[Math.min(values.length - 1, t / STEP_SEC)] }],
  });
  const at = (expr: string, w: World, t: number, engine: 'prometheus-2' | 'prometheus-3') => {
    const value = evaluate(parsePromql(expr), w, engine, t);
    return value.kind === 'vector' ? value.elements.map((e) => e.value) : [value.value];
  };

  test('a sample exactly one range before t counts in Prometheus 2 and not in 3 (left-open ranges since 3.0)', () => {
    const flipped = world([1, 0]);
    expect(at('max_over_time(x[60s])', flipped, 60, 'prometheus-2')).toEqual([1]);
    expect(at('max_over_time(x[60s])', flipped, 60, 'prometheus-3')).toEqual([0]);
  });

  test('a counter born at 0 ramps up over its first rate window the same way in both', () => {
    const counter = world(Array.from({ length: 41 }, (_, i) => 3 * i));
    for (const t of [STEP_SEC, 150, 300, 450]) {
      const expected = (3 / STEP_SEC) * Math.min(t, 300) / 300;
      expect(at('rate(x[5m])', counter, t, 'prometheus-2')[0]).toBeCloseTo(expected, 12);
      expect(at('rate(x[5m])', counter, t, 'prometheus-3')[0]).toBeCloseTo(expected, 12);
    }
  });

  test('born absent, a series has no value before its first sample', () => {
    const late: World = { stepSec: STEP_SEC, series: [{ labels: { __name__: 'x' }, startSec: BORN_SEC, valueAt: () => 5 }] };
    expect(at('x > 1', late, BORN_SEC - STEP_SEC, 'prometheus-2')).toEqual([]);
    expect(at('x > 1', late, BORN_SEC, 'prometheus-2')).toEqual([5]);
  });
});
