import { describe, expect, test } from 'vitest';
import { averagePathLength, IsolationForest } from '../../../detectors/scoring/isolation-forest.js';
import { mulberry32 } from '../../../detectors/scoring/prng.js';

/** Gaussian-ish cloud (sum of uniforms) around the origin. */
function cloud(n: number, dims: number, seed: number): number[][] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, () => Array.from({ length: dims }, () => random() + random() + random() - 1.5));
}

describe('averagePathLength', () => {
  test('matches c(n) = 2H(n-1) - 2(n-1)/n with the small cases of the paper', () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(256)).toBeCloseTo(2 * (Math.log(255) + 0.5772156649) - (2 * 255) / 256, 12);
    expect(averagePathLength(256)).toBeCloseTo(10.2448, 3);
  });
});

describe('IsolationForest', () => {
  const train = cloud(2000, 3, 1);

  test('scores obvious outliers above every inlier', () => {
    const forest = new IsolationForest({ seed: 7 }).fit(train);
    const inliers = forest.scoreMany(cloud(200, 3, 2).map((r) => r.map((v) => v * 0.3)));
    const outliers = forest.scoreMany([[6, 6, 6], [-5, 0, 0], [0, 0, 8]]);
    expect(Math.min(...outliers)).toBeGreaterThan(Math.max(...inliers));
    expect(Math.min(...outliers)).toBeGreaterThan(0.55); // scikit-learn gives 0.56–0.72 for these
    expect(Math.max(...inliers)).toBeLessThan(0.5);
  });

  test('is deterministic for a seed and differs across seeds', () => {
    const probe = [[0.1, 0.2, -0.3], [2, 2, 2]];
    const a = new IsolationForest({ seed: 3 }).fit(train).scoreMany(probe);
    const b = new IsolationForest({ seed: 3 }).fit(train).scoreMany(probe);
    const c = new IsolationForest({ seed: 4 }).fit(train).scoreMany(probe);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  test('respects the height limit ceil(log2 256) = 8', () => {
    const json = new IsolationForest({ seed: 5 }).fit(train).toJSON();
    const depthOf = new Map<number, number>(json.roots.map((r) => [r, 0]));
    for (let node = 0; node < json.feature.length; node++) {
      if (json.feature[node] === -1) continue;
      depthOf.set(json.left[node], depthOf.get(node)! + 1);
      depthOf.set(json.right[node], depthOf.get(node)! + 1);
    }
    expect(Math.max(...depthOf.values())).toBe(8);
    expect(json.roots).toHaveLength(100);
    expect(json.sampleSize).toBe(256);
  });

  test('scores exactly as a direct walk of the stored nodes (the scoring layout changes nothing)', () => {
    const forest = new IsolationForest({ seed: 12, sampleSize: 100 }).fit(train);
    const json = forest.toJSON();
    const reference = (row: number[]) => {
      let total = 0;
      for (const root of json.roots) {
        let node = root;
        let depth = 0;
        while (json.feature[node] !== -1) {
          node = row[json.feature[node]] < json.threshold[node] ? json.left[node] : json.right[node];
          depth++;
        }
        total += depth + averagePathLength(json.size[node]);
      }
      return 2 ** (-(total / json.roots.length) / averagePathLength(json.sampleSize));
    };
    // Enough rows to take the Z-ordered path as well as the direct one.
    for (const probe of [[...cloud(200, 3, 13), [9, 9, 9], [0, 0, 0]], cloud(3000, 3, 14)]) {
      const scores = forest.scoreMany(probe);
      probe.forEach((row, i) => expect(scores[i]).toBeCloseTo(reference(row), 12));
    }
  });

  test('the score profile along one feature is exactly the score of every row in each step', () => {
    const forest = new IsolationForest({ seed: 5 }).fit(train);
    const random = mulberry32(9);
    for (const [k, row] of cloud(30, 3, 4).entries()) {
      const feature = k % 3;
      const { starts, scores } = forest.scoreProfile(row, feature);
      expect(starts[0]).toBe(-Infinity);
      for (let i = 1; i < starts.length; i++) expect(starts[i]).toBeGreaterThan(starts[i - 1]);
      for (let j = 0; j < 40; j++) {
        const probe = [...row];
        probe[feature] = -4 + 8 * random();
        let step = starts.length - 1;
        while (starts[step] > probe[feature]) step--;
        expect(scores[step]).toBe(forest.score(probe));
      }
      // Each step's own start belongs to it (splits send x < threshold left).
      const at = [...row];
      at[feature] = starts[starts.length - 1];
      expect(scores[starts.length - 1]).toBe(forest.score(at));
    }
    expect(() => forest.scoreProfile([0, 0, 0], 3)).toThrow(/feature must be an integer in \[0, 3\)/);
  });

  test('gives identical scores after a JSON round trip', () => {
    const forest = new IsolationForest({ seed: 9 }).fit(train);
    const restored = IsolationForest.fromJSON(JSON.parse(JSON.stringify(forest)));
    const probe = cloud(300, 3, 11);
    expect(Array.from(restored.scoreMany(probe))).toEqual(Array.from(forest.scoreMany(probe)));
  });

  test('fails on foreign or damaged JSON with a message naming the problem', () => {
    const json = new IsolationForest({ numTrees: 3 }).fit(train).toJSON();
    expect(() => IsolationForest.fromJSON({ ...json, version: 99 })).toThrow(/version 99/);
    expect(() => IsolationForest.fromJSON({ ...json, kind: 'sklearn' })).toThrow(/kind/);
    expect(() => IsolationForest.fromJSON({ ...json, left: json.left.slice(1) })).toThrow(/left has/);
    const cyclic = { ...json, left: json.left.map((l, i) => (l === -1 ? l : i)) };
    expect(() => IsolationForest.fromJSON(cyclic)).toThrow(/not a later node/);
    expect(() => IsolationForest.fromJSON('junk')).toThrow(/must be an object/);
    expect(() => IsolationForest.fromJSON({ ...json, sampleSize: 2, size: json.size.map(() => 1) })).toThrow(/deeper than the height limit 1/);
  });

  test('fails on bad rows with the row and feature named', () => {
    expect(() => new IsolationForest().fit([[1, 2]])).toThrow(/at least 2 rows/);
    expect(() => new IsolationForest().fit([[1, 2], [1]])).toThrow(/row 1 has 1 features, expected 2/);
    expect(() => new IsolationForest().fit([[1, 2], [1, NaN]])).toThrow(/row 1 feature 1/);
    expect(() => new IsolationForest().score([1])).toThrow(/not fitted/);
  });

  test('handles constant features and tiny samples', () => {
    const forest = new IsolationForest({ seed: 1 }).fit([[1, 5], [1, 5], [1, 6]]);
    const s = forest.score([1, 5]);
    expect(s).toBeGreaterThan(0);
    expect(s).toBeLessThan(1);
    expect(forest.score([1, 6])).toBeGreaterThan(s);
  });
});
