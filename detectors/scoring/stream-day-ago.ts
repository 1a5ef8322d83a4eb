/**
 * The value a series had one day earlier, for the default streaming detector's daily-change fact. Keeps the rows
 * of the last day and one more (the newest at or before "a day ago"), thinned to one row a minute, so that its
 * size is bounded (≤ 1,441 rows) however fast the series is sampled. A day-ago row more than an hour older than
 * the exact day-ago time (a gap in the data) is not used.
 */
const DAY_SEC = 86_400;
const THIN_SEC = 60;
const MAX_STALENESS_SEC = 3_600;

/** One remembered row: data time and value. */
export type TimedValue = [timeSec: number, value: number];

export class DayAgo {
  private readonly rows: TimedValue[];

  constructor(rows: readonly TimedValue[] = []) {
    this.rows = rows.map(([t, v]) => [t, v]);
  }

  /** The value at or shortly before `timeSec` minus one day, if remembered. */
  valueBefore(timeSec: number): number | undefined {
    const target = timeSec - DAY_SEC;
    let found: TimedValue | undefined;
    for (const row of this.rows) {
      if (row[0] > target) break;
      found = row;
    }
    return found && target - found[0] <= MAX_STALENESS_SEC ? found[1] : undefined;
  }

  /** Remembers a row (time not before the previous row's) and forgets what no later lookup can use. */
  add(timeSec: number, value: number): void {
    const last = this.rows.at(-1);
    if (last === undefined || timeSec - last[0] >= THIN_SEC) this.rows.push([timeSec, value]);
    const target = timeSec - DAY_SEC;
    while (this.rows.length > 1 && this.rows[1][0] <= target) this.rows.shift();
  }

  toState(): TimedValue[] {
    return this.rows.map(([t, v]) => [t, v]);
  }
}
