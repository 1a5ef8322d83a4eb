/**
 * The GPU detector's model on synthetic faults it must find and normal days it must leave alone
 * (helpers/gpu-scenarios.ts: power = idle + slope × utilisation + noise, temperature a first-order lag of power),
 * trained as the live detector trains: on a week at 15 s with the default anomaly share. `npm run
 * bench:gpu-scenarios` prints the same numbers as a table.
 */
import { describe, expect, test } from 'vitest';
import { ANOMALY_THRESHOLD } from '../../../detectors/scoring/calibrate.js';
import { directionOf } from '../../../detectors/scoring/expected-band.js';
import { faultScenarios, normalDay, normalWeek, WEEK_START_SEC } from '../helpers/gpu-scenarios.js';
import { rowOf, scoreDay, summarize, trainedModel } from '../helpers/gpu-scenario-scores.js';

const week = normalWeek();
const models = { power: trainedModel(week, 'power'), temperature: trainedModel(week, 'temperature') };
/** 02:00 on the day after the training week: a quiet night; and 14:00, when jobs run. */
const NIGHT_SEC = WEEK_START_SEC + 7 * 86_400 + 2 * 3600;
const AFTERNOON_SEC = NIGHT_SEC + 12 * 3600;

describe('GPU detector on synthetic scenarios, trained on a normal week', () => {
  test('calibrated on its training week: at most the configured 5% of its rows score above 90', () => {
    for (const metric of ['power', 'temperature'] as const) {
      const above = week.filter((s) => models[metric].score(s.timestampSec, rowOf(s, metric))! > ANOMALY_THRESHOLD).length;
      // Calibration ranks an evenly spaced half of the week's rows, so the whole week may differ by a little.
      expect(above / week.length, metric).toBeLessThanOrEqual(0.052);
    }
  });

  test('normal days of training jobs at levels and hours of their own stay quiet: about 5% of rows above 90, no alert', () => {
    for (const seed of [101, 102, 103]) {
      const day = normalDay(seed);
      for (const metric of ['power', 'temperature'] as const) {
        const summary = summarize(scoreDay(models[metric], day, metric));
        expect(summary.shareAbove, `${metric}, seed ${seed}`).toBeLessThan(0.065);
        expect(summary.alerts, `${metric}, seed ${seed}`).toBe(0);
      }
    }
  });

  test.each(faultScenarios().map((s) => [s.name, s] as const))('%s: alerts inside the fault window, in the fault\'s direction, and nowhere else', (_, scenario) => {
    const scored = scoreDay(models[scenario.metric], scenario.samples, scenario.metric);
    const { startSec, endSec } = scenario.window;
    const inside = scored.filter((s) => s.sample.timestampSec >= startSec && s.sample.timestampSec < endSec);
    const summary = summarize(inside);
    expect(summary.alerts).toBeGreaterThanOrEqual(1);
    expect(summary.shareAbove).toBeGreaterThan(0.75);
    expect(summary.minutesToFirst).toBeLessThan(5);
    // The band says which way: every flagged row is outside it on the fault's side.
    const flagged = inside.filter((s) => s.score > ANOMALY_THRESHOLD).map((s) => s.sample);
    const model = models[scenario.metric];
    const directions = flagged.map((s) => directionOf(s[scenario.metric], model.scoreWithBand(s.timestampSec, rowOf(s, scenario.metric))!.band!));
    expect(directions.every((d) => d === scenario.direction)).toBe(true);
    // Quiet before the fault, and again from an hour after it (when the temperature has settled).
    const outside = scored.filter((s) => s.sample.timestampSec < startSec || s.sample.timestampSec >= endSec + 3600);
    expect(summarize(outside).alerts).toBe(0);
  });

  test('at night at 1% utilisation the band stays near idle power: 500 W is far above it', () => {
    const { score, band } = models.power.scoreWithBand(NIGHT_SEC, [500, 1])!;
    expect(score).toBe(100);
    expect(band!.upper).toBeLessThan(150);
    expect(band!.lower).toBeGreaterThan(40);
    // The same 500 W at full load is below what a full load draws.
    const loaded = models.power.scoreWithBand(AFTERNOON_SEC, [500, 100])!;
    expect(loaded.score).toBeGreaterThan(ANOMALY_THRESHOLD);
    expect(directionOf(500, loaded.band!)).toBe(-1);
  });

  test('a hot GPU at 0% utilisation is stranger than the same temperature at 100%', () => {
    const [idle, loaded] = [0, 100].map((u) => models.temperature.score(AFTERNOON_SEC, [70, u])!);
    expect(idle).toBeGreaterThan(ANOMALY_THRESHOLD);
    expect(loaded).toBeLessThanOrEqual(ANOMALY_THRESHOLD);
  });
});
