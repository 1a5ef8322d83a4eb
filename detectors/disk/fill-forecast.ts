import { linearRegression, predictAt, type LinearFit } from '../scoring/forecast.js';

/** Where a filesystem is heading, from its free space over the forecast window. */
export interface FillForecast {
  /** Bytes per second the filesystem fills (negative while it is being freed). */
  readonly fillRateBytesPerSec: number;
  /** Seconds from the last sample until the fitted line reaches zero free bytes; Infinity when it is not filling. */
  readonly secondsUntilFull: number;
  /** Samples the fit used: those since the last large deletion. */
  readonly samplesUsed: number;
}

/** Options of `forecastFill`. */
export interface FillForecastOptions {
  /** A rise in free space larger than this share of the size between two samples is a deletion. @default 0.005 */
  readonly freedShareOfSize?: number;
  /** Fewer samples than this since the last deletion give no forecast. @default 5 */
  readonly minSamples?: number;
}

/**
 * The predict_linear idea, robust to deletions: least squares over the free bytes since the last large
 * deletion only. Fitting across a deletion would average a sawtooth (fill, clean up, fill) into a flat line and
 * report "never full" for a disk that fills in hours; the segment after the last cleanup is the current trend.
 * Returns undefined when too few samples follow the last deletion.
 */
export function forecastFill(
  samples: ReadonlyArray<readonly [number, number]>, sizeBytes: number, options: FillForecastOptions = {},
): FillForecast | undefined {
  const finite = samples.filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v));
  const segment = finite.slice(lastDeletionIndex(finite, (options.freedShareOfSize ?? 0.005) * sizeBytes));
  if (segment.length < (options.minSamples ?? 5)) return undefined;
  const fit = linearRegression(segment.map(([t]) => t), segment.map(([, avail]) => avail));
  const lastSec = segment[segment.length - 1][0];
  return { fillRateBytesPerSec: -fit.slope, secondsUntilFull: secondsUntilEmpty(fit, lastSec), samplesUsed: segment.length };
}

/** When the fitted free space reaches zero after `fromSec`: 0 if the line is already at or below it. */
function secondsUntilEmpty(fit: LinearFit, fromSec: number): number {
  if (fit.slope >= 0) return Infinity;
  return Math.max(0, predictAt(fit, fromSec) / -fit.slope);
}

/** Index of the first sample after the last rise in free space above `freedBytes`; 0 when there was none. */
function lastDeletionIndex(samples: ReadonlyArray<readonly [number, number]>, freedBytes: number): number {
  for (let i = samples.length - 1; i > 0; i--) {
    if (samples[i][1] - samples[i - 1][1] > freedBytes) return i;
  }
  return 0;
}
