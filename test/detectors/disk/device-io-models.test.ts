import { describe, expect, test } from 'vitest';
import { DeviceIoModels } from '../../../detectors/disk/device-io-models.js';
import type { DeviceIo, DeviceIoRow } from '../../../detectors/disk/disk-queries.js';

const NOW_SEC = 1_795_000_000;
const MB = 1e6;

/** Three days of a busy-by-day, quiet-by-night disk every 5 minutes: [io time, read B/s, written B/s]. */
function dailyPattern(): DeviceIoRow[] {
  const rows: DeviceIoRow[] = [];
  for (let t = NOW_SEC - 3 * 86_400; t < NOW_SEC; t += 300) {
    const day = Math.max(0, Math.sin((2 * Math.PI * t) / 86_400));
    const wobble = 1 + 0.05 * Math.sin(t / 611);
    rows.push({ timestampSec: t, values: [0.02 + 0.3 * day * wobble, (1 + 40 * day) * MB * wobble, (2 + 60 * day) * MB * wobble] });
  }
  return rows;
}

describe('DeviceIoModels', () => {
  const models = DeviceIoModels.train(new Map([['node-a/nvme0n1', dailyPattern()]]), NOW_SEC, 0.05);

  test('a disk saturated by writes with idle reads scores above the threshold; its usual load does not', () => {
    const usual = dailyPattern()[200];
    const current: DeviceIo = new Map([['node-a/nvme0n1', [{ timestampSec: usual.timestampSec, values: usual.values }]]]);
    expect(models.score(current)[0]?.score).toBeLessThan(90);
    const storm: DeviceIo = new Map([['node-a/nvme0n1', [{ timestampSec: NOW_SEC, values: [0.99, 0.1 * MB, 900 * MB] }]]]);
    expect(models.score(storm)[0]?.score).toBeGreaterThan(90);
  });

  test('a disk unseen in training is not scored', () => {
    expect(models.score(new Map([['node-b/sda', [{ timestampSec: NOW_SEC, values: [0.1, MB, MB] }]]]))).toEqual([]);
  });

  test('an always idle disk falls back to the robust z and flags any activity', () => {
    const idle = Array.from({ length: 50 }, (_, i) => ({ timestampSec: NOW_SEC - 15 * i, values: [0, 0, 0] })).reverse();
    const idleModels = DeviceIoModels.train(new Map([['n/sdb', idle]]), NOW_SEC, 0.05);
    expect(idleModels.score(new Map([['n/sdb', [{ timestampSec: NOW_SEC, values: [0, 0, 0] }]]]))[0]?.score).toBe(0);
    expect(idleModels.score(new Map([['n/sdb', [{ timestampSec: NOW_SEC, values: [0.5, 0, 50 * MB] }]]]))[0]?.score).toBe(100);
  });

  test('survives a JSON round trip and refuses a model of another shape', () => {
    const current: DeviceIo = new Map([['node-a/nvme0n1', [{ timestampSec: NOW_SEC, values: [0.5, 20 * MB, 30 * MB] }]]]);
    const restored = DeviceIoModels.fromJSON(JSON.parse(JSON.stringify(models.toJSON())));
    expect(restored.score(current)).toEqual(models.score(current));
    expect(() => DeviceIoModels.fromJSON({ kind: 'odin.disk-io-models', version: 1, devices: { x: { baselines: [] } } })).toThrow(/x needs 3 baselines/);
    expect(() => DeviceIoModels.fromJSON('junk')).toThrow(/odin.disk-io-models/);
  });
});
