import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ALL_RULE_GROUPS, ruleFileYaml } from '../../lib/prometheus/rules/index.js';
import { findObject, synthStack } from '../helpers.js';
import { tempDir } from '../validate/tools.js';
import { promtool } from './promtool.js';

/** What Prometheus actually loads: the rule files as the stack synthesizes them into its rule ConfigMap. */
describe('rule files in the synthesized stack', () => {
  const configMap = findObject(synthStack(), 'ConfigMap', 'prometheus-rules') as unknown as { data: Record<string, string> };

  test('every rule group is one file, rendered by ruleFileYaml', () => {
    expect(Object.keys(configMap.data).sort()).toEqual(ALL_RULE_GROUPS.map((g) => `${g.name}.yaml`).sort());
    for (const group of ALL_RULE_GROUPS) expect(configMap.data[`${group.name}.yaml`]).toBe(ruleFileYaml(group));
  });

  test('promtool check rules accepts the synthesized files', () => {
    const dir = tempDir('synthesized-rules');
    const files = Object.entries(configMap.data).map(([name, yaml]) => {
      writeFileSync(join(dir, name), yaml);
      return join(dir, name);
    });
    const run = promtool('check', 'rules', ...files);
    expect(run.output.match(/SUCCESS/g)?.length, run.output).toBe(ALL_RULE_GROUPS.length);
    expect(run.status).toBe(0);
  });
});
