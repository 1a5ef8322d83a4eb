import { describe, expect, test } from 'vitest';
import { GpuMetricModel } from '../../../detectors/gpu/gpu-metric-model.js';
import { UtilizationModel } from '../../../detectors/gpu/utilization-model.js';
import { AnomalyModel } from '../../../detectors/scoring/anomaly-model.js';
import { ANOMALY_THRESHOLD } from '../../../detectors/scoring/calibrate.js';
import { h100Trace } from '../helpers/h100-trace.js';

const trace = h100Trace();
/** The first five minutes: idle, the moderate load at 40% duty (its utilisation samples often read 0%), idle, full load. */
const training = trace.slice(0, 600);
const trainedAt = training.at(-1)!.timestampSec;

function powerModel(): UtilizationModel {
  const model = new GpuMetricModel();
  model.train(training.map((r) => r.timestampSec), training.map((r) => [r.power, r.utilization]), trainedAt, { anomalyShare: 0.05, minTrainRows: 100 });
  return model.model!;
}

describe('UtilizationModel', () => {
  const model = powerModel();

  test('the guard is per utilisation: idle rows read at 0% during load widen the idle range, not the full-load one', () => {
    // Full load drew about 700 W at 98-100%: 900 W there is beyond anything seen at that load.
    expect(model.score(trainedAt, [900, 100])).toBe(100);
    const { upper } = model.normalSet(trainedAt, [700, 100]).bandFor(700)!;
    expect(upper).toBeGreaterThan(690);
    expect(upper).toBeLessThan(800);
    // At 0% the trace also holds the moderate load's ~430 W rows (sampled between kernels): idle's band reaches them, no further.
    const idleTop = Math.max(...model.normalSet(trainedAt, [124, 0]).ranges.map((r) => r.upper));
    expect(idleTop).toBeGreaterThan(400);
    expect(idleTop).toBeLessThan(450);
    expect(model.score(trainedAt, [600, 0])).toBe(100);
  });

  test('round-trips through JSON with identical scores and bands', () => {
    const restored = UtilizationModel.fromJSON(JSON.parse(JSON.stringify(model)));
    expect(restored.trainedAtSec).toBe(model.trainedAtSec);
    for (const [value, utilization] of [[124, 0], [430, 40], [700, 100], [500, 1], [50, 100]]) {
      expect(restored.score(trainedAt, [value, utilization])).toBe(model.score(trainedAt, [value, utilization]));
      expect(restored.normalSet(trainedAt, [value, utilization])).toEqual(model.normalSet(trainedAt, [value, utilization]));
    }
  });

  test('an earlier ODIN\'s model (a forest over [value, utilisation]) or a damaged one is refused with the reason', () => {
    const earlier = AnomalyModel.fit(training.map((r) => r.timestampSec), training.map((r) => [r.power, r.utilization]), trainedAt, { rangeGuardedColumns: 1 });
    expect(() => UtilizationModel.fromJSON(earlier.toJSON())).toThrow(/GPU model JSON must be odin.gpu-utilization-model version 1, got \["odin.anomaly-model",1\]/);
    const json = model.toJSON();
    expect(() => UtilizationModel.fromJSON({ ...json, forest: earlier.toJSON() })).toThrow(/must score 1 value \(the residual\), it scores 2/);
    expect(() => UtilizationModel.fromJSON({ ...json, baseline: { kind: 'odin.conditional-baseline', version: 1, knots: [] } })).toThrow(/knots/);
    expect(() => UtilizationModel.fromJSON(null)).toThrow(/GPU model JSON/);
  });

  test('before the forest, the fallback is the robust z of the residual at this utilisation, so idle power at full load is low', () => {
    const early = new GpuMetricModel();
    early.train(training.map((r) => r.timestampSec), training.map((r) => [r.power, r.utilization]), trainedAt, { anomalyShare: 0.05, minTrainRows: 10_000 });
    expect(early.model).toBeUndefined();
    expect(early.score(trainedAt, [700, 100])).toBeLessThanOrEqual(ANOMALY_THRESHOLD);
    expect(early.score(trainedAt, [124, 100])).toBe(100);
    expect(early.scoreWithBand(trainedAt, [124, 100])!.band!.lower).toBeGreaterThan(124);
  });
});
