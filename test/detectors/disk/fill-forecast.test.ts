import { describe, expect, test } from 'vitest';
import { forecastFill } from '../../../detectors/disk/fill-forecast.js';

const GB = 1e9;
const SIZE = 100 * GB;

/** Free bytes every 15 s for `count` samples, from `startAvail`, falling at `rate` bytes/s. */
function filling(startSec: number, count: number, startAvail: number, rate: number): Array<[number, number]> {
  return Array.from({ length: count }, (_, i) => [startSec + 15 * i, startAvail - rate * 15 * i]);
}

describe('forecastFill', () => {
  test('a steady fill reaches zero when the line says so', () => {
    const samples = filling(0, 100, 40 * GB, 1e6);
    const forecast = forecastFill(samples, SIZE)!;
    expect(forecast.fillRateBytesPerSec).toBeCloseTo(1e6, 3);
    const availAtEnd = 40 * GB - 1e6 * 15 * 99;
    expect(forecast.secondsUntilFull).toBeCloseTo(availAtEnd / 1e6, 3);
  });

  test('a deletion that frees space restarts the fit instead of flattening the trend', () => {
    // GIVEN a disk that fills, gets cleaned up (+20 GB), and fills again at the same rate
    const before = filling(0, 60, 30 * GB, 2e6);
    const after = filling(900, 40, 45 * GB, 2e6);
    const forecast = forecastFill([...before, ...after], SIZE)!;
    // THEN the forecast follows the segment after the cleanup only
    expect(forecast.samplesUsed).toBe(40);
    expect(forecast.fillRateBytesPerSec).toBeCloseTo(2e6, 3);
    expect(forecast.secondsUntilFull).toBeCloseTo((45 * GB - 2e6 * 15 * 39) / 2e6, 3);
  });

  test('a filesystem being freed or flat never fills', () => {
    expect(forecastFill(filling(0, 50, 10 * GB, -1e3), SIZE)!.secondsUntilFull).toBe(Infinity);
    expect(forecastFill(filling(0, 50, 10 * GB, 0), SIZE)!.secondsUntilFull).toBe(Infinity);
  });

  test('a full filesystem that keeps filling has zero time left', () => {
    expect(forecastFill(filling(0, 20, 1e6, 1e6), SIZE)!.secondsUntilFull).toBe(0);
  });

  test('too few samples since the last deletion, or junk samples, give no forecast', () => {
    const cleanedUpJustNow = [...filling(0, 50, 10 * GB, 1e6), ...filling(750, 3, 30 * GB, 1e6)];
    expect(forecastFill(cleanedUpJustNow, SIZE)).toBeUndefined();
    expect(forecastFill([[0, NaN], [15, Infinity], [30, 5 * GB]], SIZE)).toBeUndefined();
  });
});
