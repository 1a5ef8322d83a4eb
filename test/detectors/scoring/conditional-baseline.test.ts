import { describe, expect, test } from 'vitest';
import { ConditionalBaseline } from '../../../detectors/scoring/conditional-baseline.js';
import { mulberry32 } from '../../../detectors/scoring/prng.js';

/** n rows of each of the given contexts, the value `at(context)` plus uniform noise of ±`noise`. */
function rowsAt(contexts: readonly number[], n: number, at: (c: number) => number, noise: number, seed = 3): { contexts: number[]; values: number[] } {
  const random = mulberry32(seed);
  const out = { contexts: [] as number[], values: [] as number[] };
  for (const c of contexts) {
    for (let i = 0; i < n; i++) {
      out.contexts.push(c);
      out.values.push(at(c) + noise * (2 * random() - 1));
    }
  }
  return out;
}

describe('ConditionalBaseline', () => {
  test('recovers power = idle + slope × utilisation and the noise around it, interpolating between the loads seen', () => {
    // GIVEN a GPU seen idle, at 30% and at 100%: 70 W + 5.8 W per percent, ±6 W uniform noise (sigma 6/√3 ≈ 3.46 W)
    const { contexts, values } = rowsAt([0, 30, 100], 400, (u) => 70 + 5.8 * u, 6);
    const baseline = ConditionalBaseline.fit(contexts, values);
    // THEN the expected power is the physical one at the loads seen and between them
    for (const u of [0, 30, 65, 100]) expect(baseline.expected(u)).toBeCloseTo(70 + 5.8 * u, -0.3);
    // AND sigma is the noise's: the MAD of a uniform ±6 is 3, times 1.4826 is 4.45
    expect(baseline.sigma(30)).toBeGreaterThan(3.9);
    expect(baseline.sigma(30)).toBeLessThan(5);
    // AND z is the residual in those sigmas, and valueAt inverts it
    expect(baseline.z(baseline.expected(65) + 3 * baseline.sigma(65), 65)).toBeCloseTo(3, 9);
    expect(baseline.valueAt(baseline.z(500, 1), 1)).toBeCloseTo(500, 9);
  });

  test('a context never seen is judged by the nearest one seen: flat beyond the outermost bins', () => {
    const { contexts, values } = rowsAt([0, 10], 50, (u) => 100 + u, 1);
    const baseline = ConditionalBaseline.fit(contexts, values);
    expect(baseline.expected(100)).toBe(baseline.expected(10));
    expect(baseline.expected(-5)).toBe(baseline.expected(0));
    expect(baseline.sigma(100)).toBe(baseline.sigma(10));
  });

  test('the expected value never falls as the context grows: pool adjacent violators, weighted by rows', () => {
    // Bin medians 1, 3, 2, 4 with equal rows: the isotonic fit pools 3 and 2 into 2.5 (worked by hand).
    const levels: Record<number, number> = { 0: 1, 10: 3, 20: 2, 30: 4 };
    const { contexts, values } = rowsAt([0, 10, 20, 30], 40, (c) => levels[c], 0);
    const baseline = ConditionalBaseline.fit(contexts, values);
    expect(baseline.knots.map((k) => [k.context, k.expected])).toEqual([[0, 1], [10, 2.5], [20, 2.5], [30, 4]]);
    // Weighted: three times the rows at 10 pull the pool towards its 3: (3 × 120 + 2 × 40) / 160 = 2.75.
    const heavy = rowsAt([10], 120, () => 3, 0);
    const light = rowsAt([0, 20, 30], 40, (c) => levels[c], 0);
    const weighted = ConditionalBaseline.fit([...heavy.contexts, ...light.contexts], [...heavy.values, ...light.values]);
    expect(weighted.knots.map((k) => k.expected)).toEqual([1, 2.75, 2.75, 4]);
  });

  test('each bin keeps the residuals it saw, so an idle bin widened by odd rows leaves the load bins narrow', () => {
    // Idle at 100 W, but a tenth of the idle rows read 0% while drawing 400 W (a duty-cycled job sampled between kernels)
    const idle = rowsAt([0], 360, () => 100, 1);
    const aliased = rowsAt([0], 40, () => 400, 1, 5);
    const load = rowsAt([100], 400, () => 700, 3, 7);
    const baseline = ConditionalBaseline.fit([...idle.contexts, ...aliased.contexts, ...load.contexts], [...idle.values, ...aliased.values, ...load.values]);
    const [idleLow, idleHigh] = baseline.seenRange(0);
    const [loadLow, loadHigh] = baseline.seenRange(100);
    expect(baseline.expected(0)).toBeCloseTo(100, -0.5);
    expect(baseline.valueAt(idleHigh, 0)).toBeCloseTo(Math.max(...aliased.values), 6);
    expect(baseline.valueAt(idleLow, 0)).toBeCloseTo(Math.min(...idle.values), 6);
    expect(baseline.valueAt(loadHigh, 100)).toBeCloseTo(Math.max(...load.values), 6);
    expect(baseline.valueAt(loadLow, 100)).toBeCloseTo(Math.min(...load.values), 6);
  });

  test('sigma has a floor: the readings\' step (whole degrees), else 1% of the expected value', () => {
    const degrees = ConditionalBaseline.fit([0, 0, 0, 0, 0, 0, 0, 0, 0, 50], [38, 38, 38, 38, 38, 38, 38, 38, 38, 39]);
    expect(degrees.sigma(0)).toBe(1);
    const watts = ConditionalBaseline.fit([0, 0, 0, 0], [124.2, 124.2, 124.2, 124.2]);
    expect(watts.sigma(0)).toBeCloseTo(1.242, 12);
  });

  test('rows with a non-finite number are left out; none left is an error', () => {
    const baseline = ConditionalBaseline.fit([0, NaN, 0, 0], [1, 5, 1, 1]);
    expect(baseline.knots).toHaveLength(1);
    expect(baseline.knots[0].rows).toBe(3);
    expect(() => ConditionalBaseline.fit([NaN], [1])).toThrow(/at least one pair/);
    expect(() => ConditionalBaseline.fit([0], [1, 2])).toThrow(/differ in length/);
  });

  test('round-trips through JSON and refuses anything else, naming the problem', () => {
    const { contexts, values } = rowsAt([0, 50, 100], 30, (u) => 30 + 0.4 * u, 2);
    const baseline = ConditionalBaseline.fit(contexts, values);
    const restored = ConditionalBaseline.fromJSON(JSON.parse(JSON.stringify(baseline)));
    for (const u of [0, 25, 80, 120]) {
      expect(restored.expected(u)).toBe(baseline.expected(u));
      expect(restored.seenRange(u)).toEqual(baseline.seenRange(u));
    }
    const json = baseline.toJSON();
    expect(() => ConditionalBaseline.fromJSON({ ...json, version: 2 })).toThrow(/version 1/);
    expect(() => ConditionalBaseline.fromJSON({ ...json, knots: [...json.knots].reverse() })).toThrow(/ascending contexts/);
    expect(() => ConditionalBaseline.fromJSON({ ...json, knots: [{ ...json.knots[0], sigma: 0 }] })).toThrow(/positive sigmas/);
    expect(() => ConditionalBaseline.fromJSON({ ...json, knots: [] })).toThrow(/knots/);
  });
});
