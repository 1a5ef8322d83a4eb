/**
 * The schedule on a controlled clock (vitest's fake timers drive setTimeout and Date): the order and count of runs
 * are exact, whatever the machine's load. How fast it reacts in real time is measured by `npm run bench:scheduler`.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { runSchedule } from '../../../detectors/runtime/scheduler.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Resolves after every pending promise reaction has run (setImmediate is not faked). */
const settle = () => new Promise((resolve) => setImmediate(resolve));
const at = (what: string) => `${what}@${Date.now() / 1000}`;

describe('runSchedule', () => {
  test('trains first, cycles on its interval, trains on its own, and returns at once when aborted', async () => {
    const events: string[] = [];
    const abort = new AbortController();
    const loop = runSchedule({
      cycleIntervalSec: 60,
      trainIntervalSec: 300,
      signal: abort.signal,
      train: async () => { events.push(at('train')); },
      cycle: async () => { events.push(at('cycle')); },
    });
    await vi.advanceTimersByTimeAsync(630_000);
    expect(events).toEqual([
      'train@0', 'cycle@0', 'cycle@60', 'cycle@120', 'cycle@180', 'cycle@240', 'train@300', 'cycle@300',
      'cycle@360', 'cycle@420', 'cycle@480', 'cycle@540', 'train@600', 'cycle@600',
    ]);

    // WHEN aborted mid-sleep THEN the loop returns without any timer firing, and leaves no timer behind
    abort.abort();
    const outcome = await Promise.race([loop.then(() => 'returned'), settle().then(() => 'still sleeping')]);
    expect(outcome).toBe('returned');
    expect(vi.getTimerCount()).toBe(0);
    expect(events).toHaveLength(14);
  });

  test('a run that overruns its interval delays the next one instead of piling up', async () => {
    const starts: number[] = [];
    const abort = new AbortController();
    const loop = runSchedule({
      cycleIntervalSec: 10,
      trainIntervalSec: 3600,
      signal: abort.signal,
      train: async () => {},
      cycle: async () => {
        starts.push(Date.now() / 1000);
        await new Promise((resolve) => setTimeout(resolve, 60_000));
      },
    });
    await vi.advanceTimersByTimeAsync(300_000);
    abort.abort();
    await vi.advanceTimersByTimeAsync(60_000);
    await loop;
    expect(starts).toEqual([0, 60, 120, 180, 240, 300]);
  });

  test('a run that ends early waits out the rest of its interval, and a late first training runs when due', async () => {
    const events: string[] = [];
    const abort = new AbortController();
    const loop = runSchedule({
      cycleIntervalSec: 60,
      trainIntervalSec: 3600,
      firstTrainAtSec: 150,
      signal: abort.signal,
      train: async () => { events.push(at('train')); },
      cycle: async () => {
        events.push(at('cycle'));
        await new Promise((resolve) => setTimeout(resolve, 20_000));
      },
    });
    await vi.advanceTimersByTimeAsync(200_000);
    abort.abort();
    await vi.advanceTimersByTimeAsync(20_000);
    await loop;
    expect(events).toEqual(['cycle@0', 'cycle@60', 'cycle@120', 'train@150', 'cycle@180']);
  });
});
