import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { DetectorConfig } from '../../../detectors/runtime/config.js';
import { startDetector } from '../../../detectors/runtime/lifecycle.js';
import type { Mode } from '../../../detectors/runtime/mode.js';
import { waitFor } from '../helpers/wait-for.js';

const tempDir = mkdtempSync(join(tmpdir(), 'odin-first-training-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

const config: DetectorConfig = {
  mode: 'disk', port: 0, listenHost: '127.0.0.1', prometheusUrl: 'http://127.0.0.1:1', modelsDir: join(tempDir, 'models'),
  nvidiaSmi: 'nvidia-smi', procDir: '/proc', hostRoot: '/', nodeName: 'test', logLevel: 'error',
  cycleIntervalSec: 0.05, trainIntervalSec: 3600, trainWindowSec: 60, anomalyShare: 0.05, scrapeStepSec: 1, settings: {},
};

/** A mode that records its runs and says its stored models were trained at `trainedAt` (seconds ago). */
function recordingMode(trainedAgoSec: number | undefined): Mode & { runs: string[] } {
  const runs: string[] = [];
  return {
    name: 'disk', needsPrometheus: false, errorKinds: [], runs,
    trainedAtSec: trainedAgoSec === undefined ? undefined : () => Date.now() / 1000 - trainedAgoSec,
    start: async () => {},
    train: async () => void runs.push('train'),
    cycle: async () => void runs.push('cycle'),
    stop: async () => {},
  };
}

describe('the first training after a start', () => {
  test.each([
    ['no stored model', undefined, 1],
    ['a model trained 10 s ago (interval 1 h)', 10, 0],
    ['a model trained 2 h ago (interval 1 h)', 7200, 1],
    ['a model dated 1 h in the future (clock skew)', -3600, 0],
  ])('%s: %i training(s) while cycles run', async (_, trainedAgoSec, trainings) => {
    const mode = recordingMode(trainedAgoSec);
    const detector = await startDetector(config, mode, { logSink: { write: () => true } });
    try {
      await waitFor(() => mode.runs.filter((r) => r === 'cycle').length >= 3, 5000, 'three cycles');
    } finally {
      await detector.stop();
    }
    expect(mode.runs.filter((r) => r === 'train')).toHaveLength(trainings);
  });
});
