import { describe, expect, test } from 'vitest';
import { runSchedule } from '../../../detectors/runtime/scheduler.js';

describe('runSchedule', () => {
  test('trains first, cycles on its interval, trains on its own, and ends promptly when aborted', async () => {
    const events: string[] = [];
    const abort = new AbortController();
    const loop = runSchedule({
      cycleIntervalSec: 0.05,
      trainIntervalSec: 0.2,
      signal: abort.signal,
      train: async () => {
        events.push('train');
      },
      cycle: async () => {
        events.push('cycle');
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const abortedAt = Date.now();
    abort.abort();
    await loop;
    expect(Date.now() - abortedAt).toBeLessThan(50);
    expect(events.slice(0, 2)).toEqual(['train', 'cycle']);
    const cycles = events.filter((e) => e === 'cycle').length;
    const trainings = events.filter((e) => e === 'train').length;
    expect(cycles).toBeGreaterThanOrEqual(6);
    expect(cycles).toBeLessThanOrEqual(11);
    expect(trainings).toBeGreaterThanOrEqual(2);
    expect(trainings).toBeLessThanOrEqual(4);
  });

  test('a run that overruns its interval delays the next one instead of piling up', async () => {
    const starts: number[] = [];
    const abort = new AbortController();
    const loop = runSchedule({
      cycleIntervalSec: 0.01,
      trainIntervalSec: 3600,
      signal: abort.signal,
      train: async () => {},
      cycle: async () => {
        starts.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 60));
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    abort.abort();
    await loop;
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(55);
    expect(starts.length).toBeLessThanOrEqual(6);
  });
});
