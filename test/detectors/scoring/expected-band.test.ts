import { describe, expect, test } from 'vitest';
import { DeviceIoModels } from '../../../detectors/disk/device-io-models.js';
import type { DeviceIoRow } from '../../../detectors/disk/disk-queries.js';
import { GpuMetricModel } from '../../../detectors/gpu/gpu-metric-model.js';
import { NamespaceModels } from '../../../detectors/pod/namespace-models.js';
import { AnomalyModel } from '../../../detectors/scoring/anomaly-model.js';
import { ANOMALY_THRESHOLD } from '../../../detectors/scoring/calibrate.js';
import { directionOf, NormalSet, type ExpectedBand } from '../../../detectors/scoring/expected-band.js';
import { mulberry32 } from '../../../detectors/scoring/prng.js';
import { normalWeek, type GpuSample } from '../helpers/gpu-scenarios.js';
import { h100Trace, type TraceRow } from '../helpers/h100-trace.js';

/** A step small against any value but larger than rounding: just inside or just outside an edge. */
const nudge = (x: number) => 1e-9 * Math.max(1, Math.abs(x));

/**
 * The band's defining property, checked on the model itself: just inside each finite edge the score is at most
 * 90, just outside it is above 90, and the expected value scores at most 90. A lower edge at `floor` (0 for the
 * models of non-negative rates and sizes) has no outside.
 */
function expectBandEdges(band: ExpectedBand, scoreAt: (value: number) => number, what: string, floor = -Infinity): void {
  expect(band.lower, what).toBeLessThanOrEqual(band.expected);
  expect(band.expected, what).toBeLessThanOrEqual(band.upper);
  expect(scoreAt(band.expected), `${what}: expected ${band.expected}`).toBeLessThanOrEqual(ANOMALY_THRESHOLD);
  if (band.lower === floor) expect(scoreAt(floor), `${what}: at ${floor}`).toBeLessThanOrEqual(ANOMALY_THRESHOLD);
  else if (Number.isFinite(band.lower)) {
    expect(scoreAt(band.lower - nudge(band.lower)), `${what}: below ${band.lower}`).toBeGreaterThan(ANOMALY_THRESHOLD);
    if (band.upper - band.lower > 2 * nudge(band.lower)) expect(scoreAt(band.lower + nudge(band.lower)), `${what}: above ${band.lower}`).toBeLessThanOrEqual(ANOMALY_THRESHOLD);
  }
  if (Number.isFinite(band.upper)) {
    expect(scoreAt(band.upper + nudge(band.upper)), `${what}: above ${band.upper}`).toBeGreaterThan(ANOMALY_THRESHOLD);
    if (band.upper - band.lower > 2 * nudge(band.upper)) expect(scoreAt(band.upper - nudge(band.upper)), `${what}: below ${band.upper}`).toBeLessThanOrEqual(ANOMALY_THRESHOLD);
  }
}

/** Every range of the set checked at its edges, and values spread over `span`: normal exactly where the set says. */
function expectExactSet(set: NormalSet, scoreAt: (value: number) => number, span: readonly [number, number], what: string): void {
  set.ranges.forEach((range, i) => expectBandEdges(range, scoreAt, `${what} range ${i}`));
  for (let k = 0; k <= 200; k++) {
    const value = span[0] + ((span[1] - span[0]) * k) / 200;
    const inside = set.ranges.some((r) => value >= r.lower && value < r.upper) || set.ranges.some((r) => r.lower === r.upper && value === r.lower);
    if (set.ranges.some((r) => value === r.upper)) continue; // The edge itself belongs to the next step.
    expect(scoreAt(value) <= ANOMALY_THRESHOLD, `${what}: value ${value}`).toBe(inside);
  }
}

describe('expected bands', () => {
  const trace = h100Trace();

  test('GPU forest: the band of power at each utilisation is exactly where the score stays at most 90', () => {
    // Trained on the first 5 minutes (idle, moderate load, idle, the start of full load), as the detector would be.
    const training = trace.slice(0, 600);
    const model = AnomalyModel.fit(training.map((r) => r.timestampSec), training.map((r) => [r.power, r.utilization]), training.at(-1)!.timestampSec, { rangeGuardedColumns: 1 });
    let bandsChecked = 0;
    for (const row of trace.filter((_, i) => i % 25 === 0)) {
      const set = model.normalSet(row.timestampSec, [row.power, row.utilization]);
      const scoreAt = (power: number) => model.score(row.timestampSec, [power, row.utilization]);
      expectExactSet(set, scoreAt, [0, 800], `utilisation ${row.utilization}`);
      const band = set.bandFor(row.power);
      if (band === undefined) continue;
      bandsChecked++;
      expect(directionOf(row.power, band) === 0, `power ${row.power} at ${row.utilization}%`).toBe(scoreAt(row.power) <= ANOMALY_THRESHOLD);
    }
    expect(bandsChecked).toBeGreaterThan(20);
  });

  test('GPU model: the band of power and temperature at each utilisation (the residual\'s forest within the conditional guard) is exactly where the score stays at most 90', () => {
    const training = trace.slice(0, 600);
    const week = normalWeek();
    const cases = [
      { what: 'H100 power', history: training.map((r) => ({ ...r })), read: (r: TraceRow | GpuSample) => r.power, span: [0, 900] as const },
      { what: 'H100 temperature', history: training.map((r) => ({ ...r })), read: (r: TraceRow | GpuSample) => r.temperature, span: [0, 110] as const },
      { what: 'synthetic week, power', history: week, read: (r: TraceRow | GpuSample) => r.power, span: [0, 900] as const },
      { what: 'synthetic week, temperature', history: week, read: (r: TraceRow | GpuSample) => r.temperature, span: [0, 110] as const },
    ];
    for (const { what, history, read, span } of cases) {
      const model = new GpuMetricModel();
      model.train(history.map((r) => r.timestampSec), history.map((r) => [read(r), r.utilization]), history.at(-1)!.timestampSec, { anomalyShare: 0.05, minTrainRows: 100 });
      let bandsChecked = 0;
      for (const row of history.filter((_, i) => i % Math.ceil(history.length / 30) === 0)) {
        for (const utilization of [row.utilization, 0, 50, 100]) {
          const t = row.timestampSec;
          const set = model.model!.normalSet(t, [read(row), utilization]);
          const scoreAt = (value: number) => model.score(t, [value, utilization])!;
          expectExactSet(set, scoreAt, span, `${what} at ${utilization}%`);
          const band = model.scoreWithBand(t, [read(row), utilization])!.band;
          if (band === undefined) continue;
          bandsChecked++;
          expect(directionOf(read(row), band) === 0, `${what}: ${read(row)} at ${utilization}%`).toBe(scoreAt(read(row)) <= ANOMALY_THRESHOLD);
        }
      }
      expect(bandsChecked, what).toBeGreaterThan(100);
    }
  });

  test('GPU forest: at a familiar utilisation the band holds the usual power, and a value far above it is above the band', () => {
    const model = new GpuMetricModel();
    const training = trace.slice(0, 600);
    model.train(training.map((r) => r.timestampSec), training.map((r) => [r.power, r.utilization]), training.at(-1)!.timestampSec, { anomalyShare: 0.05, minTrainRows: 100 });
    const idle = training.find((r) => r.utilization === 0 && model.score(r.timestampSec, [r.power, 0])! <= ANOMALY_THRESHOLD)!;
    const scored = model.scoreWithBand(idle.timestampSec, [idle.power, 0])!;
    expect(directionOf(idle.power, scored.band!)).toBe(0);
    expect(scored.band!.upper).toBeLessThan(300);
    const hot = model.scoreWithBand(idle.timestampSec, [650, 0])!;
    expect(hot.score).toBeGreaterThan(ANOMALY_THRESHOLD);
    expect(directionOf(650, hot.band!)).toBe(1);
  });

  test('robust z fallback: the band is median ± 3.5 sigma, exactly', () => {
    const model = new GpuMetricModel();
    const rows = trace.slice(0, 50);
    model.train(rows.map((r) => r.timestampSec), rows.map((r) => [r.temperature, r.utilization]), rows.at(-1)!.timestampSec, { anomalyShare: 0.05, minTrainRows: 1000 });
    expect(model.model).toBeUndefined();
    const t = rows.at(-1)!.timestampSec;
    const { band } = model.scoreWithBand(t, [36, 0])!;
    expectBandEdges(band!, (v) => model.score(t, [v, 0])!, 'robust z');
  });

  test('pods: the namespace band, mapped back from log values, is exact for forest and robust-only metrics', () => {
    const now = 1_795_000_000;
    const random = mulberry32(11);
    const samples = { timestampsSec: [] as number[], values: [] as number[] };
    for (let t = now - 2 * 86_400; t < now; t += 300) {
      for (let pod = 0; pod < 4; pod++) {
        samples.timestampsSec.push(t);
        samples.values.push(200e6 * (1 + 0.3 * Math.sin((2 * Math.PI * t) / 86_400)) * (0.9 + 0.2 * random()));
      }
    }
    for (const withForest of [true, false]) {
      const models = NamespaceModels.train(new Map([['shop', samples]]), now, 0.05, withForest);
      const scoreAt = (value: number) => models.score([{ namespace: 'shop', pod: 'p', value }], now)[0].score;
      const [scored] = models.score([{ namespace: 'shop', pod: 'p', value: 210e6 }], now);
      expectBandEdges(scored.band!, scoreAt, `forest ${withForest}`, 0);
      const [leaking] = models.score([{ namespace: 'shop', pod: 'p', value: 5e9 }], now);
      expect(directionOf(5e9, leaking.band!)).toBe(1);
    }
  });

  test('disk: each rate has its own band with the other two held, exact for the forest', () => {
    const now = 1_795_000_000;
    const rows: DeviceIoRow[] = [];
    for (let t = now - 3 * 86_400; t < now; t += 300) {
      const day = Math.max(0, Math.sin((2 * Math.PI * t) / 86_400));
      const wobble = 1 + 0.05 * Math.sin(t / 611);
      rows.push({ timestampSec: t, values: [0.02 + 0.3 * day * wobble, (1 + 40 * day) * 1e6 * wobble, (2 + 60 * day) * 1e6 * wobble] });
    }
    const models = DeviceIoModels.train(new Map([['n/sda', rows]]), now, { anomalyShare: 0.05, minTrainRows: 120 });
    let checked = 0;
    for (const current of rows.filter((_, i) => i % 97 === 0)) {
      const [scored] = models.score(new Map([['n/sda', [current]]]));
      expect(scored.rates.map((r) => r.feature)).toEqual(['io_time', 'read_bytes', 'written_bytes']);
      scored.rates.forEach((rate, j) => {
        if (rate.band === undefined) return;
        checked++;
        const scoreAt = (v: number) => {
          const values = [...current.values];
          values[j] = v;
          return models.score(new Map([['n/sda', [{ timestampSec: current.timestampSec, values }]]]))[0].score;
        };
        expectBandEdges(rate.band, scoreAt, `${rate.feature} at ${current.timestampSec}`, 0);
      });
    }
    expect(checked).toBeGreaterThan(10);
  });

  test('disk: an always idle disk (robust fallback) expects exactly 0, and a busy rate is above its band while the others have none', () => {
    const now = 1_795_000_000;
    const idle = Array.from({ length: 50 }, (_, i) => ({ timestampSec: now - 15 * (50 - i), values: [0, 0, 0] }));
    const models = DeviceIoModels.train(new Map([['n/sdb', idle]]), now, { anomalyShare: 0.05, minTrainRows: 120 });
    const [quiet] = models.score(new Map([['n/sdb', [{ timestampSec: now, values: [0, 0, 0] }]]]));
    expect(quiet.rates.map((r) => r.band)).toEqual([0, 1, 2].map(() => ({ lower: 0, expected: 0, upper: 0 })));
    const [busy] = models.score(new Map([['n/sdb', [{ timestampSec: now, values: [0.5, 0, 0] }]]]));
    expect(busy.score).toBe(100);
    expect(directionOf(0.5, busy.rates[0].band!)).toBe(1);
    expect(busy.rates.slice(1).map((r) => r.band)).toEqual([undefined, undefined]);
  });
});
