/**
 * The rules are tested on Debian's Prometheus 2.42 and deployed on 3.5, which made range selectors left-open: a
 * sample exactly one range before t counts in 2.x and not in 3.x. Each hand-written alert case is replayed through
 * the PromQL model both ways (recording rules first, as promtool evaluates them): the alerts firing at its check
 * must be the same, so no case passes on 2.42 only thanks to a sample on a range's left edge.
 */
import { describe, expect, test } from 'vitest';
import { ALL_RULE_GROUPS, type AlertRule, recordingRules } from '../../lib/prometheus/rules/index.js';
import { durationSeconds, parsePromql } from './boundaries/promql-ast.js';
import { type Engine, ENGINES, evaluate, type SyntheticSeries, type World } from './boundaries/promql-model.js';
import { promtoolSeries, promtoolValues } from './boundaries/promtool-series.js';
import { CASES_BY_GROUP } from './cases/index.js';
import type { AlertCase } from './cases/types.js';

const INTERVAL_SEC = 60;
const recordings = recordingRules.rules.flatMap((r) => ('record' in r ? [{ record: r.record, expr: parsePromql(r.expr) }] : []));

const signature = (labels: Readonly<Record<string, string>>) => JSON.stringify(Object.entries(labels).sort());

/** The recorded series over [0, untilSec] as `engine` computes them: a vanished one gets a staleness marker. */
function recorded(inputs: readonly SyntheticSeries[], engine: Engine, untilSec: number): SyntheticSeries[] {
  const byLabels = new Map<string, { labels: Record<string, string>; values: Map<number, number | null> }>();
  const world: World = { stepSec: INTERVAL_SEC, series: inputs };
  for (let t = 0; t <= untilSec; t += INTERVAL_SEC) {
    const present = new Set<string>();
    for (const { record, expr } of recordings) {
      const value = evaluate(expr, world, engine, t);
      if (value.kind !== 'vector') continue;
      for (const e of value.elements) {
        const labels = { ...e.labels, __name__: record };
        const key = signature(labels);
        present.add(key);
        if (!byLabels.has(key)) byLabels.set(key, { labels, values: new Map() });
        byLabels.get(key)!.values.set(t, e.value);
      }
    }
    for (const [key, s] of byLabels) if (!present.has(key) && typeof s.values.get(t - INTERVAL_SEC) === 'number') s.values.set(t, null);
  }
  return [...byLabels.values()].map((s) => ({ labels: s.labels, startSec: 0, valueAt: (t: number) => s.values.get(t) }));
}

/**
 * The alert instances (label sets) firing at the case's check as `engine` evaluates the rule every interval from
 * 0: each instance pending from the first evaluation that returns it, firing once it has lasted the rule's `for`.
 */
function firingAtCheck(c: AlertCase, rule: AlertRule, engine: Engine): string[] {
  const inputs = promtoolSeries(c.series, INTERVAL_SEC);
  const atSec = durationSeconds(c.at);
  const world: World = { stepSec: INTERVAL_SEC, series: [...inputs, ...recorded(inputs, engine, atSec)] };
  const expr = parsePromql(rule.expr);
  const forSec = rule.for ? durationSeconds(rule.for) : 0;
  let activeSince = new Map<string, number>();
  for (let t = 0; t <= atSec; t += INTERVAL_SEC) {
    const value = evaluate(expr, world, engine, t);
    // An alert's labels: the instance's without its name, and the rule's own (severity, component).
    const now = value.kind === 'vector' ? value.elements.map(({ labels: { __name__: _, ...labels } }) => signature({ ...labels, ...rule.labels })) : [];
    activeSince = new Map(now.map((key) => [key, activeSince.get(key) ?? t]));
  }
  return [...activeSince].filter(([, since]) => atSec - since >= forSec).map(([key]) => key).sort();
}

describe.each(ALL_RULE_GROUPS.filter((g) => CASES_BY_GROUP[g.name]).map((g) => [g.name, g] as const))('hand-written cases mean the same on Prometheus 2 and 3: %s', (_, group) => {
  const rules = group.rules.filter((r): r is AlertRule => 'alert' in r);
  test.each(CASES_BY_GROUP[group.name].map((c) => [`${c.alert}: ${c.name}`, c] as const))('%s', (_, c) => {
    for (const rule of rules.filter((r) => r.alert === c.alert)) {
      const [v2, v3] = ENGINES.map((engine) => firingAtCheck(c, rule, engine));
      expect(v3, `${rule.alert}/${rule.labels.severity}`).toEqual(v2);
      // The model agrees with promtool, which checks the same case on 2.42.
      expect(v2).toEqual(c.fires.filter((a) => a.labels.severity === rule.labels.severity).map((a) => signature(a.labels)).sort());
    }
  });
});

describe('the skew check', () => {
  test('reads promtool notation as promtool does', () => {
    expect(promtoolValues('_ _x2 1 0+2x2 5-1x1 3x2')).toEqual([undefined, undefined, undefined, 1, 0, 2, 4, 5, 4, 3, 3, 3]);
  });

  test('notices a case that fires on 2.x only because of a sample on the left edge of its range', () => {
    const rule = { alert: 'ReloadFailed', expr: 'max_over_time(reload_ok[5m]) == 0', for: '1m', labels: { severity: 'warning' }, annotations: {} } as unknown as AlertRule;
    const edge: AlertCase = { alert: 'ReloadFailed', name: 'edge', series: { 'reload_ok{job="p"}': '1 0x10' }, at: '6m', fires: [] };
    const [v2, v3] = ENGINES.map((engine) => firingAtCheck(edge, rule, engine));
    expect(v2).toEqual([]);
    expect(v3).toEqual(['[["job","p"],["severity","warning"]]']);
  });
});
