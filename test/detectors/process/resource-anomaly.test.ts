/** Per-process-name CPU and memory scores, and the cap on how many names are scored. */
import { describe, expect, test } from 'vitest';
import { ResourceAnomalies, usageByName } from '../../../detectors/process/resource-anomaly.js';
import { mulberry32 } from '../../../detectors/scoring/prng.js';
import type { ProcessFacts } from '../../../detectors/process/types.js';

const proc = (pid: number, comm: string, cpuCores: number, rssBytes: number): ProcessFacts => ({ pid, argv: [comm], comm, cpuCores, rssBytes });

describe('resource anomalies per process name', () => {
  test('sustained extra CPU by a steady process scores above the anomaly threshold; its normal cycles mostly do not', () => {
    const anomalies = new ResourceAnomalies();
    const random = mulberry32(7);
    const normal: number[] = [];
    for (let i = 0; i < 1500; i++) {
      const cores = 1 + (random() - 0.5) * 0.2;
      const [cpu] = anomalies.score(1000 + i * 60, [proc(10, 'trainer', cores, 2e9 + random() * 1e7)]);
      if (i >= 750) normal.push(cpu.score);
    }
    // Five cycles at 12 cores (the scorer weighs sustained changes over single noisy cycles).
    const burst = Array.from({ length: 5 }, (_, i) => anomalies.score(1000 + (1500 + i) * 60, [proc(10, 'trainer', 12, 2e9)])[0]);
    expect(burst[0]).toMatchObject({ name: 'trainer', metric: 'cpu_cores', value: 12 });
    expect(Math.max(...burst.map((b) => b.score))).toBeGreaterThan(90);
    expect(normal.filter((s) => s > 90).length / normal.length).toBeLessThanOrEqual(0.1);
  });

  test('sums processes of one name and leaves out processes without a CPU rate yet', () => {
    const usage = usageByName([proc(1, 'python3', 0.5, 100), proc(2, 'python3', 1.5, 300), { pid: 3, argv: ['new'], comm: 'new', rssBytes: 5 }]);
    expect([...usage]).toEqual([['python3', { cpuCores: 2, rssBytes: 400 }]]);
  });

  test('scores at most maxNames names, the biggest consumers, and counts the rest', () => {
    const anomalies = new ResourceAnomalies({ maxNames: 5 });
    const processes = Array.from({ length: 60 }, (_, i) => proc(i + 1, `worker-${i}`, i / 10, 1e6));
    const names = new Set(anomalies.score(1000, processes).map((s) => s.name));
    expect(names).toEqual(new Set(['worker-59', 'worker-58', 'worker-57', 'worker-56', 'worker-55']));
    expect(anomalies.untracked).toBe(55);
  });

  test('names unseen for longer than forgetAfterSec make room for new ones', () => {
    const anomalies = new ResourceAnomalies({ maxNames: 1, forgetAfterSec: 600 });
    anomalies.score(1000, [proc(1, 'old', 1, 1)]);
    expect(anomalies.score(1060, [proc(2, 'new', 1, 1)])).toEqual([]);
    expect(anomalies.score(2000, [proc(2, 'new', 1, 1)]).map((s) => s.name)).toEqual(['new', 'new']);
  });
});
