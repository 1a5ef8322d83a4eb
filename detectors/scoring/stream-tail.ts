/**
 * How rare a value is among the recent values of the same stream: the share of the history at or above it.
 * This is the "likelihood" step of Numenta's HTM detector done without a distribution assumption: a surprise
 * that this stream produces every day is not rare, whatever its size, and one beyond anything in the history is.
 * Beyond the history's maximum the share keeps falling in proportion to how far beyond it the value lies, so
 * that two record values stay ordered instead of tying.
 */
import { forgetOutside, type HistoryWindow } from './stream-window.js';

const RATIO_OFFSET = 1e-9;

export class TailShare {
  /** Values with their data time, oldest first. */
  private readonly history: Array<{ t: number; v: number }> = [];

  constructor(private readonly window: HistoryWindow) {}

  /** Rows currently in the history. */
  get size(): number {
    return this.history.length;
  }

  /**
   * Share of the history at or above the non-negative `value`, in (0, 1]: count at or above / (n + 1), or for a
   * value above the maximum 1 / (n + 1) scaled by max / value. 1 for an empty history. Then learns the value.
   */
  next(timeSec: number, value: number): number {
    const share = this.shareAtOrAbove(value);
    this.history.push({ t: timeSec, v: value });
    forgetOutside(this.history, timeSec, this.window);
    return share;
  }

  private shareAtOrAbove(value: number): number {
    const n = this.history.length;
    if (n === 0) return 1;
    let atOrAbove = 0;
    let max = -Infinity;
    for (const { v } of this.history) {
      if (v >= value) atOrAbove++;
      if (v > max) max = v;
    }
    if (atOrAbove > 0) return atOrAbove / (n + 1);
    // The values are non-negative surprises; the small offset keeps a history of zeros from dividing to 0.
    return (Math.max(max, 0) + RATIO_OFFSET) / (value + RATIO_OFFSET) / (n + 1);
  }
}
