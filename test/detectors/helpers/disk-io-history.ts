/**
 * Synthetic disk I/O at a 15 s scrape with the jitter real rates have: each scrape's rates are a level (steady, or
 * busy by day and quiet by night) times a lognormal factor of their own, I/O time following the bytes moved. Rows
 * as the disk detector gets them: [io time s/s, read B/s, written B/s].
 */
import type { DeviceIoRow } from '../../../detectors/disk/disk-queries.js';
import { mulberry32, type Random } from '../../../detectors/scoring/prng.js';

const MB = 1e6;
const STEP_SEC = 15;
/** About 1 GB/s of throughput saturates the disk. */
const SATURATION_BYTES_PER_SEC = 1000 * MB;

export interface IoShape {
  /** Busy from 00:00 to 12:00 UTC (a sine over the day, peaking at 06:00; quiet the other half), else steady at half the peak. */
  readonly daily: boolean;
  /** Sigma of the log of each scrape's jitter factor (0.3: a scrape often reads 0.7 or 1.4 times the level). */
  readonly jitter: number;
  /** Factor on the bytes moved. @default 1 */
  readonly burst?: number;
}

function lognormal(random: Random, sigma: number): number {
  const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.exp(sigma * gaussian);
}

/** One scrape's rates at `t` (unix seconds). */
export function ioRow(t: number, random: Random, shape: IoShape = { daily: true, jitter: 0.3 }): DeviceIoRow {
  const day = shape.daily ? Math.max(0, Math.sin((2 * Math.PI * t) / 86_400)) : 0.5;
  const burst = shape.burst ?? 1;
  const read = (2 + 30 * day) * MB * lognormal(random, shape.jitter) * burst;
  const written = (3 + 40 * day) * MB * lognormal(random, shape.jitter) * burst;
  return { timestampSec: t, values: [Math.min(1, (read + written) / SATURATION_BYTES_PER_SEC), read, written] };
}

/** Rows every 15 s over [startSec, endSec). */
export function ioHistory(startSec: number, endSec: number, shape: IoShape, seed = 5): DeviceIoRow[] {
  const random = mulberry32(seed);
  const rows: DeviceIoRow[] = [];
  for (let t = startSec; t < endSec; t += STEP_SEC) rows.push(ioRow(t, random, shape));
  return rows;
}
