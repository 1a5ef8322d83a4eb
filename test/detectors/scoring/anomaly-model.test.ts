import { describe, expect, test } from 'vitest';
import { AnomalyModel } from '../../../detectors/scoring/anomaly-model.js';
import { ANOMALY_THRESHOLD } from '../../../detectors/scoring/calibrate.js';
import { mulberry32 } from '../../../detectors/scoring/prng.js';

/** Idle GPU: about 100 W at 0-5% utilisation, every 15 s for a day. */
function idleDay(): { timestamps: number[]; rows: number[][] } {
  const random = mulberry32(8);
  const timestamps = Array.from({ length: 5760 }, (_, i) => 1_795_000_000 + i * 15);
  return { timestamps, rows: timestamps.map(() => [95 + random() * 10, random() * 5]) };
}

describe('AnomalyModel', () => {
  const { timestamps, rows } = idleDay();
  const end = timestamps.at(-1)!;

  test('the range guard flags a value far beyond the training range that the forest alone scores as ordinary', () => {
    const plain = AnomalyModel.fit(timestamps, rows, end);
    const guarded = AnomalyModel.fit(timestamps, rows, end, { rangeGuardedColumns: 1 });
    const quietButHot = [700, 2];
    expect(guarded.score(end, quietButHot)).toBe(100);
    expect(plain.score(end, quietButHot)).toBeLessThan(guarded.score(end, quietButHot));
    expect(guarded.score(end, [100, 2])).toBeLessThan(ANOMALY_THRESHOLD);
  });

  test('keeps the share of training rows above the threshold near the configured one', () => {
    const model = AnomalyModel.fit(timestamps, rows, end, { anomalyShare: 0.05, rangeGuardedColumns: 1 });
    const above = rows.filter((row, i) => model.score(timestamps[i], row) > ANOMALY_THRESHOLD).length;
    expect(above / rows.length).toBeLessThanOrEqual(0.06);
  });

  test('round-trips through JSON with identical scores and rejects damaged JSON', () => {
    const model = AnomalyModel.fit(timestamps, rows, end, { rangeGuardedColumns: 1 });
    const restored = AnomalyModel.fromJSON(JSON.parse(JSON.stringify(model)));
    for (const row of [[100, 1], [120, 4], [700, 0], [20, 50]]) expect(restored.score(end, row)).toBe(model.score(end, row));
    const json = model.toJSON();
    expect(() => AnomalyModel.fromJSON({ ...json, rangeGuard: { min: [1], max: [], sigma: [1] } })).toThrow(/rangeGuard/);
    expect(() => AnomalyModel.fromJSON({ ...json, calendar: { timeOfDay: true, dayOfWeek: false } })).toThrow(/calendar implies/);
    expect(() => AnomalyModel.fromJSON({ ...json, kind: 'other' })).toThrow(/kind/);
  });
});
