/**
 * Per-process-name CPU and memory scores, the cap on how many names are scored, and their saved state: a restart
 * continues (through the real model store, and through the process mode itself) instead of learning again, and a
 * damaged state file is reported and started fresh, never fatal.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, test } from 'vitest';
import { EARLY_ROWS } from '../../../detectors/scoring/stream-scorer.js';
import { ProcessMode, RESOURCES_MODEL_KEY } from '../../../detectors/modes/process.js';
import { FileModelStore, type ModelRejection } from '../../../detectors/models/store.js';
import { ResourceAnomalies, usageByName } from '../../../detectors/process/resource-anomaly.js';
import type { ProcessFacts } from '../../../detectors/process/types.js';
import { createLogger } from '../../../detectors/runtime/logger.js';
import type { ModeContext } from '../../../detectors/runtime/mode.js';
import { mulberry32 } from '../../../detectors/scoring/prng.js';
import { fakeProc } from './fake-proc.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

function storeIn(dir: string): { store: FileModelStore; rejected: ModelRejection[]; logs: string[] } {
  const rejected: ModelRejection[] = [];
  const logs: string[] = [];
  const store = new FileModelStore({ dir, log: createLogger({ sink: { write: (l: string) => logs.push(l) } }), onRejected: (r) => rejected.push(r) });
  return { store, rejected, logs };
}

/** One cycle of a steady trainer process: about one core and 2 GB. */
function trainerCycle(random: () => number): ProcessFacts[] {
  return [proc(10, 'trainer', 1 + (random() - 0.5) * 0.2, 2e9 + random() * 1e7)];
}

function proc(pid: number, comm: string, cpuCores: number, rssBytes: number): ProcessFacts {
  return { pid, argv: [comm], comm, cpuCores, rssBytes };
}

describe('resource anomalies per process name', () => {
  test('sustained extra CPU by a steady process scores above the anomaly threshold; its normal cycles mostly do not', () => {
    const anomalies = new ResourceAnomalies();
    const random = mulberry32(7);
    const normal: number[] = [];
    for (let i = 0; i < 1500; i++) {
      const [cpu] = anomalies.score(1000 + i * 60, trainerCycle(random));
      if (i >= 750) normal.push(cpu.score);
    }
    // Five cycles at 12 cores.
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

describe('resource scorers across a restart', () => {
  test('a restored scorer continues where the saved one stopped; a fresh one would learn again', async () => {
    const { store, rejected } = storeIn(tempDir('odin-resources-'));
    const random = mulberry32(3);
    const running = new ResourceAnomalies({ probationRows: 60 });
    for (let i = 0; i < 200; i++) running.score(1000 + i * 60, trainerCycle(random));
    await store.save(RESOURCES_MODEL_KEY, running.toState());

    const now = 1000 + 200 * 60;
    const restarted = new ResourceAnomalies({ probationRows: 60 });
    expect(await store.load(RESOURCES_MODEL_KEY, (raw) => restarted.restore(raw, now))).toBe(1);
    expect(rejected).toEqual([]);
    const later = Array.from({ length: 50 }, () => trainerCycle(random));
    const continued = later.map((cycle, i) => restarted.score(now + i * 60, cycle));
    expect(continued).toEqual(later.map((cycle, i) => running.score(now + i * 60, cycle)));
    expect(continued.flat().every((s) => Number.isFinite(s.score))).toBe(true);
    // Without the state, the same rows are the probation of a new scorer: unscored at first, then the robust fallback.
    const fresh = new ResourceAnomalies({ probationRows: 60 });
    const relearned = later.map((cycle, i) => fresh.score(now + i * 60, cycle));
    expect(relearned.slice(0, EARLY_ROWS).flat().every((s) => Number.isNaN(s.score))).toBe(true);
    expect(relearned.slice(EARLY_ROWS)).not.toEqual(continued.slice(EARLY_ROWS));
  });

  test.each([
    ['corrupt', 'not json {', 'corrupt'],
    ['foreign', JSON.stringify({ format: 'something.else' }), 'foreign'],
    ['invalid', JSON.stringify({ format: 'odin.model', version: 1, key: RESOURCES_MODEL_KEY, savedAt: '', model: { version: 1, names: [{ name: 'x', lastSeenSec: 1, cpu: { version: 1 }, rss: {} }] } }), 'invalid'],
  ])('a %s state file is reported and the scorers start fresh, keeping what they had', async (_, content, reason) => {
    const dir = tempDir('odin-resources-bad-');
    writeFileSync(join(dir, `${RESOURCES_MODEL_KEY}.json`), content);
    const { store, rejected, logs } = storeIn(dir);
    const anomalies = new ResourceAnomalies({ probationRows: 60 });
    anomalies.score(1000, [proc(1, 'kept', 1, 1)]);
    expect(await store.load(RESOURCES_MODEL_KEY, (raw) => anomalies.restore(raw, 2000))).toBeUndefined();
    expect(rejected).toEqual([reason]);
    expect(logs.join('')).toContain('stored model rejected');
    expect(anomalies.size).toBe(1);
  });

  test('the process mode saves its scorers at shutdown and restores them at start', async () => {
    const procDir = fakeProc();
    dirs.push(procDir);
    const modelsDir = tempDir('odin-process-models-');
    const logs: string[] = [];
    let now = 5000;
    const context = (): ModeContext => ({
      registry: new Registry(),
      log: createLogger({ sink: { write: (l: string) => logs.push(l) } }),
      prometheus: { query: async () => [], queryRange: async () => [] },
      models: new FileModelStore({ dir: modelsDir, log: createLogger({ sink: { write: (l: string) => logs.push(l) } }) }),
      settings: {},
      anomalyShare: 0.05,
      trainWindowSec: 604_800,
      scrapeStepSec: 15,
      now: () => now,
    });
    const settings = { allow: [], maxCmdlineBytes: 4096, maxScoredNames: 10, watchFiles: false };
    const first = new ProcessMode(settings, { procDir, hostRoot: procDir });
    const ctx = context();
    await first.start(ctx);
    for (let i = 0; i < 3; i++, now += 60) await first.cycle(ctx);
    await first.stop();
    expect(logs.join('')).not.toContain('restored');

    const second = new ProcessMode(settings, { procDir, hostRoot: procDir });
    await second.start(context());
    const restored = logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'per-name resource scorers restored');
    expect(restored?.names).toBeGreaterThan(0);
  });
});
