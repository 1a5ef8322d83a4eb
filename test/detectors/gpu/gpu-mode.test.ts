import { describe, expect, test } from 'vitest';
import { parseGpuSettings } from '../../../detectors/modes/gpu.js';
import { createMode } from '../../../detectors/modes/index.js';
import { loadConfig } from '../../../detectors/runtime/config.js';

describe('GPU mode settings', () => {
  test('defaults, overrides and errors naming the field', () => {
    expect(parseGpuSettings({})).toEqual({ minTrainRows: 120, untrainedRetrySec: 600 });
    expect(parseGpuSettings({ minTrainRows: 40 }).minTrainRows).toBe(40);
    expect(() => parseGpuSettings({ minTrainRows: 3 })).toThrow(/detector.json gpu.minTrainRows must be an integer >= 16, got 3/);
    expect(() => parseGpuSettings({ retrain: 1 })).toThrow(/detector.json gpu: unknown key\(s\) retrain; known keys are minTrainRows/);
  });

  test('the registry builds the GPU modes with the mode names and ports of the contract', async () => {
    for (const [mode, needsPrometheus] of [['gpu', true], ['gpu-exporter', false]] as const) {
      const config = loadConfig(mode, {});
      const built = await createMode(config);
      expect(built.name).toBe(mode);
      expect(built.needsPrometheus).toBe(needsPrometheus);
    }
    expect(loadConfig('gpu-exporter', {}).port).toBe(9402);
    expect(loadConfig('gpu', {}).port).toBe(9405);
  });
});
