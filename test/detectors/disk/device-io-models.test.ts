import { describe, expect, test } from 'vitest';
import { DeviceIoModels } from '../../../detectors/disk/device-io-models.js';
import type { DeviceIo, DeviceIoRow } from '../../../detectors/disk/disk-queries.js';
import { ANOMALY_THRESHOLD } from '../../../detectors/scoring/calibrate.js';
import { mulberry32 } from '../../../detectors/scoring/prng.js';
import { ioHistory, ioRow } from '../helpers/disk-io-history.js';

const NOW_SEC = 1_795_000_000;
const MB = 1e6;
/** As detector.json's defaults: a forest from 120 rows (30 minutes at 15 s). */
const TRAINING = { anomalyShare: 0.05, minTrainRows: 120 };
const NEXT_MIDNIGHT_SEC = NOW_SEC - (NOW_SEC % 86_400) + 86_400;
const scoreOf = (models: DeviceIoModels, row: DeviceIoRow) => models.score(new Map([['n/sda', [row]]]))[0]?.score;

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
  const models = DeviceIoModels.train(new Map([['node-a/nvme0n1', dailyPattern()]]), NOW_SEC, TRAINING);

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
    const idleModels = DeviceIoModels.train(new Map([['n/sdb', idle]]), NOW_SEC, TRAINING);
    expect(idleModels.score(new Map([['n/sdb', [{ timestampSec: NOW_SEC, values: [0, 0, 0] }]]]))[0]?.score).toBe(0);
    expect(idleModels.score(new Map([['n/sdb', [{ timestampSec: NOW_SEC, values: [0.5, 0, 50 * MB] }]]]))[0]?.score).toBe(100);
  });

  test('a burst twenty times the usual I/O, beyond anything in training, is critical (above 98), on a steady disk and by day on a daily one', () => {
    // GIVEN three days at 15 s of jittery rates (lognormal, sigma 0.3), steady or busy by day
    for (const daily of [false, true]) {
      const models = DeviceIoModels.train(new Map([['n/sda', ioHistory(NOW_SEC - 3 * 86_400, NOW_SEC, { daily, jitter: 0.3 })]]), NOW_SEC, TRAINING);
      const random = mulberry32(9);
      // WHEN the disk moves 20x its usual bytes at some scrape of the next day (by day: 02:00 to 10:00 UTC)
      const hours = daily ? [2, 4, 6, 8, 10] : [0, 3, 6, 9, 12, 15, 18, 21];
      const bursts = hours.map((h) => scoreOf(models, ioRow(NEXT_MIDNIGHT_SEC + h * 3600, random, { daily, jitter: 0.3, burst: 20 }))!);
      // THEN each scores above the critical alert's 98, while the usual I/O of those hours stays mostly under 90
      expect(Math.min(...bursts), `daily ${daily}: ${bursts}`).toBeGreaterThan(98);
      const usual = hours.flatMap((h) => [0, 60, 120].map((m) => scoreOf(models, ioRow(NEXT_MIDNIGHT_SEC + h * 3600 + m, random, { daily, jitter: 0.3 }))!));
      expect(usual.filter((x) => x > ANOMALY_THRESHOLD).length, `daily ${daily}: ${usual}`).toBeLessThanOrEqual(2);
    }
  });

  test('the band of each rate stops at the guard: a burst just beyond it is above, just inside is not', () => {
    const models = DeviceIoModels.train(new Map([['n/sda', ioHistory(NOW_SEC - 3 * 86_400, NOW_SEC, { daily: false, jitter: 0.3 })]]), NOW_SEC, TRAINING);
    const usual = ioRow(NOW_SEC, mulberry32(4), { daily: false, jitter: 0 });
    const [, read] = models.score(new Map([['n/sda', [usual]]]))[0].rates;
    expect(Number.isFinite(read.band!.upper), 'a finite upper edge').toBe(true);
    const at = (bytes: number) => scoreOf(models, { timestampSec: NOW_SEC, values: [usual.values[0], bytes, usual.values[2]] })!;
    expect(at(read.band!.upper * 1.000001)).toBeGreaterThan(ANOMALY_THRESHOLD);
    expect(at(read.band!.upper * 0.999999)).toBeLessThanOrEqual(ANOMALY_THRESHOLD);
    expect(read.band!.upper).toBeLessThan(20 * usual.values[1]);
  });

  test('a first start with minutes of history: no forest from a handful of rows, the robust z meanwhile, and immature until enough rows', () => {
    const random = mulberry32(6);
    // GIVEN the 2, 3 and 40 rows a first start finds (30 s, 45 s and 10 minutes at 15 s)
    for (const rows of [2, 3, 40]) {
      const models = DeviceIoModels.train(new Map([['n/sda', ioHistory(NOW_SEC - 15 * rows, NOW_SEC, { daily: false, jitter: 0.3 })]]), NOW_SEC, TRAINING);
      const later = Array.from({ length: 40 }, (_, i) => ioRow(NOW_SEC + 15 * i, random, { daily: false, jitter: 0.3, burst: i % 10 === 0 ? 20 : 1 }));
      const scores = later.map((row) => scoreOf(models, row));
      if (rows < 3) {
        // THEN two rows give no basis for a score: none until the next training
        expect(scores.every((x) => x === undefined)).toBe(true);
      } else {
        // THEN the scores follow the data (a forest fitted on 2 rows gave every row the same score), and bursts stand out
        expect(new Set(scores).size).toBeGreaterThanOrEqual(10);
        expect(Math.min(...scores.filter((_, i) => i % 10 === 0) as number[])).toBe(100);
      }
      // AND the model says it is immature, so the detector trains again soon instead of in 6 hours
      expect(models.immature(new Map([['n/sda', later]]), TRAINING.minTrainRows)).toBe(true);
    }
    const mature = DeviceIoModels.train(new Map([['n/sda', ioHistory(NOW_SEC - 15 * 200, NOW_SEC, { daily: false, jitter: 0.3 })]]), NOW_SEC, TRAINING);
    expect(mature.immature(new Map([['n/sda', [ioRow(NOW_SEC, random)]]]), TRAINING.minTrainRows)).toBe(false);
    // A disk training never saw (hot-plugged) is immature too.
    expect(mature.immature(new Map([['n/sdb', [ioRow(NOW_SEC, random)]]]), TRAINING.minTrainRows)).toBe(true);
  });

  test('survives a JSON round trip and refuses a model of another shape', () => {
    const current: DeviceIo = new Map([['node-a/nvme0n1', [{ timestampSec: NOW_SEC, values: [0.5, 20 * MB, 30 * MB] }]]]);
    const restored = DeviceIoModels.fromJSON(JSON.parse(JSON.stringify(models.toJSON())));
    expect(restored.score(current)).toEqual(models.score(current));
    expect(() => DeviceIoModels.fromJSON({ kind: 'odin.disk-io-models', version: 2, devices: { x: { baselines: [] } } })).toThrow(/x needs 3 baselines/);
    const json = models.toJSON() as { devices: Record<string, object> };
    expect(() => DeviceIoModels.fromJSON({ ...json, devices: { x: { ...json.devices['node-a/nvme0n1'], rows: undefined } } })).toThrow(/x needs a whole number of training rows/);
    // Models stored before the guard and the row count (version 1) are refused, so the detector retrains.
    expect(() => DeviceIoModels.fromJSON({ ...json, version: 1 })).toThrow(/odin.disk-io-models version 2, got \["odin.disk-io-models",1\]/);
    expect(() => DeviceIoModels.fromJSON('junk')).toThrow(/odin.disk-io-models/);
  });
});
