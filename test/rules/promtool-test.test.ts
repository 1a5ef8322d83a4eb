import { describe, expect, test } from 'vitest';
import { ALL_RULE_GROUPS, AlertRule, recordingRules } from '../../lib/prometheus/rules/index.js';
import { CASES_BY_GROUP } from './cases/index.js';
import { recordingCases } from './cases/recording.js';
import { promtool, unitTestFile } from './promtool.js';

const alertGroups = ALL_RULE_GROUPS.filter((g) => g.rules.some((r) => 'alert' in r));

describe.each(alertGroups.map((g) => [g.name, g] as const))('promtool test rules: %s', (name, group) => {
  const cases = CASES_BY_GROUP[name] ?? [];

  test('every alerting rule has a case where it fires and one where it stays quiet', () => {
    const uncovered = (group.rules as AlertRule[]).filter((r) => 'alert' in r).flatMap((rule) => {
      const own = cases.filter((c) => c.alert === rule.alert);
      const fires = own.some((c) => c.fires.some((a) => a.labels.severity === rule.labels.severity));
      const quiet = own.some((c) => !c.fires.some((a) => a.labels.severity === rule.labels.severity));
      return [...(fires ? [] : [`${rule.alert}/${rule.labels.severity} never fires`]),
        ...(quiet ? [] : [`${rule.alert}/${rule.labels.severity} never stays quiet`])];
    });
    expect(uncovered).toEqual([]);
  });

  test('every case names an alert of the group', () => {
    const alerts = new Set(group.rules.map((r) => ('alert' in r ? r.alert : r.record)));
    expect(cases.map((c) => c.alert).filter((a) => !alerts.has(a))).toEqual([]);
  });

  test('promtool passes every case', () => {
    const file = unitTestFile([recordingRules, group], cases);
    const run = promtool('test', 'rules', file);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });
});

describe('promtool test rules: recording rules', () => {
  test('every recording rule has a case', () => {
    const tested = new Set(recordingCases.map((c) => c.record));
    expect(recordingRules.rules.map((r) => ('record' in r ? r.record : r.alert)).filter((name) => !tested.has(name))).toEqual([]);
  });

  test('promtool computes the expected samples', () => {
    const run = promtool('test', 'rules', unitTestFile([recordingRules], recordingCases));
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });
});
