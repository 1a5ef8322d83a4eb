import { stringify } from 'yaml';
import { RuleGroup } from './types.js';

/** The Prometheus rule-file YAML for one group: what Prometheus loads and `promtool check rules` reads. */
export function ruleFileYaml(group: RuleGroup): string {
  return stringify({ groups: [group] }, { lineWidth: 0 });
}
