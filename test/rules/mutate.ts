/**
 * `npm run mutate:rules`: how many deliberate changes to the alert rules' numbers the promtool rule tests catch.
 * Each alert rule in turn gets its `for` halved and doubled and its trailing threshold (the number its condition
 * ends with, when not 0) moved by -10% and +10%. For each such mutant the rule's hand-written cases run, then its
 * boundary cases, planned from the alert's intended numbers (alert-intent.ts), as `npm test` runs them. A mutant survives a suite when every case still passes. Prints a table: mutants, and survivors with the
 * hand-written cases alone ("before") and with the boundary cases added ("after"), then each survivor.
 */
import { ALL_RULE_GROUPS, type AlertRule, type RuleGroup, recordingRules } from '../../lib/prometheus/rules/index.js';
import { deriveBoundary } from './boundaries/derive.js';
import { MUTATIONS } from './boundaries/mutations.js';
import { ALERT_INTENT } from './alert-intent.js';
import { CASES_BY_GROUP } from './cases/index.js';
import { boundaryTestFile, promtool, unitTestFile } from './promtool.js';

const passes = (file: string): boolean => promtool('test', 'rules', file).status === 0;

interface Outcome {
  readonly kind: string;
  readonly rule: string;
  readonly change: string;
  readonly caughtBefore: boolean;
  readonly caughtAfter: boolean;
}

function mutantsOf(group: RuleGroup): Outcome[] {
  const cases = CASES_BY_GROUP[group.name] ?? [];
  return group.rules.flatMap((rule, index) => {
    if (!('alert' in rule)) return [];
    const own = cases.filter((c) => c.alert === rule.alert);
    const boundaryCases = group.rules
      .filter((r): r is AlertRule => 'alert' in r && r.alert === rule.alert)
      .flatMap((r) => deriveBoundary(r, own, ALERT_INTENT[`${r.alert}/${r.labels.severity}`]).cases);
    return MUTATIONS.flatMap(({ kind, apply }) => {
      const mutant = apply(rule);
      if (!mutant) return [];
      const mutated: RuleGroup = { ...group, rules: group.rules.map((r, i) => (i === index ? mutant : r)) };
      const caughtBefore = !passes(unitTestFile([recordingRules, mutated], own));
      const caughtAfter = caughtBefore || !passes(boundaryTestFile(mutated, boundaryCases));
      const change = kind.startsWith('for') ? `for ${rule.for} -> ${mutant.for}` : `...${mutant.expr.slice(-24)}`;
      return [{ kind, rule: `${rule.alert}/${rule.labels.severity}`, change, caughtBefore, caughtAfter }];
    });
  });
}

function main(): void {
  const started = Date.now();
  const outcomes = ALL_RULE_GROUPS.flatMap(mutantsOf);
  const row = (label: string, list: readonly Outcome[]) => {
    const before = list.filter((o) => !o.caughtBefore).length;
    const after = list.filter((o) => !o.caughtAfter).length;
    const share = (n: number) => `${n} (${list.length ? Math.round((100 * n) / list.length) : 0}%)`;
    return `| ${label.padEnd(16)} | ${String(list.length).padStart(7)} | ${share(before).padStart(16)} | ${share(after).padStart(15)} |`;
  };
  console.log('| mutation         | mutants | survive (before) | survive (after) |');
  console.log('|------------------|---------|------------------|-----------------|');
  for (const { kind } of MUTATIONS) console.log(row(kind, outcomes.filter((o) => o.kind === kind)));
  console.log(row('all', outcomes));
  const survivors = outcomes.filter((o) => !o.caughtAfter);
  console.log(`\nsurvivors with the boundary cases (${survivors.length}):`);
  for (const o of survivors) console.log(`  ${o.rule}: ${o.kind} (${o.change})`);
  console.log(`\n${outcomes.length} mutants in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main();
