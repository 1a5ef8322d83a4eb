import { describe, expect, test } from 'vitest';
import { findObject, podSpec, synthStack } from '../helpers.js';

/**
 * cAdvisor's own default `--disable_metrics` set at the pinned v0.49.1 (google/cadvisor cmd/cadvisor.go, `ignoreMetrics`).
 * Setting the flag replaces this set, so every group in it must be named again.
 */
const UPSTREAM_DISABLED_BY_DEFAULT = [
  'memory_numa', 'tcp', 'udp', 'advtcp', 'sched', 'process', 'hugetlb', 'referenced_memory', 'cpu_topology', 'resctrl', 'cpuset',
];

describe('cAdvisor', () => {
  test("keeps every metric group upstream disables by default disabled, per-core CPU too", () => {
    const args: string[] = podSpec(findObject(synthStack(), 'DaemonSet', 'cadvisor')).containers[0].args;
    const disabled = args.find((a) => a.startsWith('--disable_metrics='))!.split('=')[1].split(',');
    expect(disabled).toEqual(expect.arrayContaining([...UPSTREAM_DISABLED_BY_DEFAULT, 'percpu']));
  });
});
