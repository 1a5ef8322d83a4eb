import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ALL_RULE_GROUPS, RuleGroup, ruleFileYaml } from '../../lib/prometheus/rules/index.js';
import { runTool, tempDir } from '../validate/tools.js';
import type { BoundaryCase } from './boundaries/derive.js';
import { STEP_SEC } from './boundaries/derive.js';
import { AlertCase, RecordingCase } from './cases/types.js';

/** Runs promtool (see `runTool`: stdout on success, stdout and stderr on failure). */
export function promtool(...args: string[]): { status: number; output: string } {
  return runTool('promtool', args);
}

/** Write every rule group as the rule file Prometheus loads; returns the file of each group by name. */
export function writeRuleFiles(groups: readonly RuleGroup[] = ALL_RULE_GROUPS): Map<string, string> {
  const dir = tempDir('rules');
  return new Map(groups.map((group) => {
    const file = join(dir, `${group.name}.rules.yaml`);
    writeFileSync(file, ruleFileYaml(group));
    return [group.name, file];
  }));
}

/** One promtool test group per case, so each case starts from its own series. */
function testGroup(c: AlertCase) {
  return {
    interval: '1m',
    input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
    alert_rule_test: [{
      eval_time: c.at,
      alertname: c.alert,
      exp_alerts: c.fires.map((a) => ({
        exp_labels: a.labels,
        exp_annotations: { summary: a.summary, description: a.description },
      })),
    }],
  };
}

/** `name{k="v", ...}` as promtool writes expected samples. */
const sampleLabels = (name: string, labels: Readonly<Record<string, string>>) =>
  `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ')}}`;

function recordingTestGroup(c: RecordingCase) {
  return {
    interval: '1m',
    input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
    promql_expr_test: [{
      expr: c.record,
      eval_time: c.at,
      exp_samples: c.samples.map((s) => ({ labels: sampleLabels(c.record, s.labels), value: s.value })),
    }],
  };
}

/**
 * A `promtool test rules` file running `cases` against the rule files of `groups`. Without an order promtool
 * evaluates groups in map order, so an alert would read this minute's recorded series in one run and the previous
 * minute's in the next; recording rules first makes the expected values exact.
 */
export function unitTestFile(groups: readonly RuleGroup[], cases: ReadonlyArray<AlertCase | RecordingCase>): string {
  const dir = tempDir('rule-tests');
  const file = join(dir, 'tests.yaml');
  const ruleFiles = writeRuleFiles(groups);
  const yaml = stringify({
    rule_files: [...ruleFiles.values()],
    evaluation_interval: '1m',
    group_eval_order: [...ruleFiles.keys()],
    tests: cases.map((c) => ('record' in c ? recordingTestGroup(c) : testGroup(c))),
  }, { lineWidth: 0 });
  writeFileSync(file, yaml);
  return file;
}

const ALERT_STATE_SAMPLES = { pending: [{ labels: '{alertstate="pending"}', value: 1 }], firing: [{ labels: '{alertstate="firing"}', value: 1 }], quiet: [] };

/** A promtool test group checking the state of one alert (pending, firing or absent from ALERTS) at given times. */
function boundaryTestGroup(c: BoundaryCase) {
  return {
    name: `${c.alert}/${c.severity}: ${c.name}`,
    interval: `${STEP_SEC}s`,
    input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
    promql_expr_test: c.checks.map((check) => ({
      expr: `count by (alertstate) (ALERTS{alertname="${c.alert}", severity="${c.severity}"})`,
      eval_time: `${check.atSec}s`,
      exp_samples: ALERT_STATE_SAMPLES[check.state],
    })),
  };
}

/**
 * A `promtool test rules` file running boundary cases against the alert rules of `group` alone, evaluated every
 * STEP_SEC: the cases feed recorded series (`instance:...`) directly, as their own rules are tested apart.
 */
export function boundaryTestFile(group: RuleGroup, cases: readonly BoundaryCase[]): string {
  const file = join(tempDir('rule-boundaries'), 'tests.yaml');
  const [ruleFile] = writeRuleFiles([group]).values();
  writeFileSync(file, stringify({ rule_files: [ruleFile], evaluation_interval: `${STEP_SEC}s`, tests: cases.map(boundaryTestGroup) }, { lineWidth: 0 }));
  return file;
}
