import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { POD_METRICS } from '../../../detectors/pod/pod-queries.js';
import { promtool } from '../../rules/promtool.js';
import { tempDir } from '../../validate/tools.js';

const ksm = (pod: string) => `job="kube-state-metrics", namespace="shop", pod="${pod}", container="api"`;
const cadvisor = (pod: string, id: string) => `job="cadvisor", namespace="shop", pod="${pod}", container="api", id="${id}"`;

/**
 * An OOM kill as the exporters report it, one sample a minute: at minute 4 api-0's container is killed for memory and
 * restarted. kube-state-metrics counts the restart and sets the last terminated reason (a series that did not
 * exist before, as the container had never terminated); cAdvisor's old container series ends and the new container
 * starts its own at 0. api-1 runs on; api-2 restarts after an error.
 */
const SERIES: Record<string, string> = {
  [`kube_pod_container_status_restarts_total{${ksm('api-0')}}`]: '0 0 0 0 1 1 1 1 1 1',
  [`kube_pod_container_status_last_terminated_reason{${ksm('api-0')}, reason="OOMKilled"}`]: '_ _ _ _ 1 1 1 1 1 1',
  [`container_oom_events_total{${cadvisor('api-0', '/kubepods/pod0/old')}}`]: '0 0 0 0 _ _ _ _ _ _',
  [`container_oom_events_total{${cadvisor('api-0', '/kubepods/pod0/new')}}`]: '_ _ _ _ 0 0 0 0 0 0',
  [`kube_pod_container_status_restarts_total{${ksm('api-1')}}`]: '0x9',
  [`container_oom_events_total{${cadvisor('api-1', '/kubepods/pod1/c')}}`]: '0x9',
  [`kube_pod_container_status_restarts_total{${ksm('api-2')}}`]: '0 0 0 0 1 1 1 1 1 1',
  [`kube_pod_container_status_last_terminated_reason{${ksm('api-2')}, reason="Error"}`]: '_ _ _ _ 1 1 1 1 1 1',
};

/** Runs `expr` in promtool at `at` over SERIES and compares it with `expected` (labels without the name → value). */
function evaluate(expr: string, at: string, expected: ReadonlyArray<{ labels: string; value: number }>) {
  const dir = tempDir('pod-queries');
  const file = join(dir, 'test.yaml');
  writeFileSync(file, stringify({
    rule_files: [],
    evaluation_interval: '1m',
    tests: [{
      interval: '1m',
      input_series: Object.entries(SERIES).map(([series, values]) => ({ series, values })),
      promql_expr_test: [{ expr, eval_time: at, exp_samples: expected }],
    }],
  }));
  return promtool('test', 'rules', file);
}

describe('pod detector queries in Prometheus', () => {
  const oom = POD_METRICS.find((m) => m.name === 'oom_events')!;

  test('the OOM signal sees the kill, and stays 0 for pods that were not killed', () => {
    const run = evaluate(`(${oom.query('5m')}) > bool 0`, '6m', [
      { labels: '{namespace="shop", pod="api-0"}', value: 1 },
      { labels: '{namespace="shop", pod="api-1"}', value: 0 },
      { labels: '{namespace="shop", pod="api-2"}', value: 0 },
    ]);
    expect(run.output).toContain('SUCCESS');
  });

  test('the kill leaves the signal once the window has passed', () => {
    const run = evaluate(`(${oom.query('2m', 'namespace="shop"')}) > bool 0`, '9m', [
      { labels: '{namespace="shop", pod="api-0"}', value: 0 },
      { labels: '{namespace="shop", pod="api-1"}', value: 0 },
      { labels: '{namespace="shop", pod="api-2"}', value: 0 },
    ]);
    expect(run.output).toContain('SUCCESS');
  });

  test('cAdvisor\'s OOM counter misses the same kill (why the signal does not use it)', () => {
    const run = evaluate('sum by (namespace, pod) (increase(container_oom_events_total[5m])) > bool 0', '6m', [
      { labels: '{namespace="shop", pod="api-0"}', value: 1 },
      { labels: '{namespace="shop", pod="api-1"}', value: 0 },
    ]);
    expect(run.status).not.toBe(0);
  });
});
