/** Least-squares linear trend, as Prometheus's predict_linear computes it. */

export interface LinearFit {
  readonly slope: number;
  readonly intercept: number;
  /** Coefficient of determination in [0, 1]; 1 when the data lies on the line (or is constant). */
  readonly r2: number;
  readonly count: number;
}

/** Fits y = intercept + slope·x over the pairs whose x and y are both finite. Needs two distinct x values. */
export function linearRegression(xs: ArrayLike<number>, ys: ArrayLike<number>): LinearFit {
  if (xs.length !== ys.length) throw new Error(`xs and ys differ in length: ${xs.length} vs ${ys.length}`);
  let n = 0;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) continue;
    n++;
    meanX += (xs[i] - meanX) / n;
    meanY += (ys[i] - meanY) / n;
  }
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) continue;
    const dx = xs[i] - meanX;
    const dy = ys[i] - meanY;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (n < 2 || sxx === 0) throw new Error(`linear regression needs at least two distinct x values, got ${n} points`);
  const slope = sxy / sxx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept: meanY - slope * meanX, r2, count: n };
}

/** The fitted value at x. */
export function predictAt(fit: LinearFit, x: number): number {
  return fit.intercept + fit.slope * x;
}

/**
 * How long after `fromX` the fitted line reaches `level` (in x units): 0 when it is on the level at `fromX`,
 * Infinity when the line is flat or moves away from the level.
 */
export function timeToReach(fit: LinearFit, level: number, fromX: number): number {
  const gap = level - predictAt(fit, fromX);
  if (gap === 0) return 0;
  if (Math.sign(gap) !== Math.sign(fit.slope)) return Infinity;
  return gap / fit.slope;
}
