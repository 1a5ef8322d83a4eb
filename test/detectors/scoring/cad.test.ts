/** CAD OSE's parts: the reference's hash, the context memory, the detector's state, bounded memory. */
import { describe, expect, test } from 'vitest';
import { CadOse, ValueBins } from '../../../detectors/scoring/cad/cad-ose.js';
import { ContextMemory } from '../../../detectors/scoring/cad/context-memory.js';
import { tupleHash } from '../../../detectors/scoring/cad/tuple-hash.js';
import { mulberry32 } from '../../../detectors/scoring/prng.js';

describe('tupleHash', () => {
  test("is CPython 2.7's 64-bit hash of a tuple of ints", () => {
    // Values printed by `python2.7 -c 'print hash(()), hash((1, 2, 3))'` on x86-64.
    expect(tupleHash([])).toBe(3527539n);
    expect(tupleHash([1, 2, 3])).toBe(2528502973977326415n);
    expect(tupleHash([1, 2, 3])).not.toBe(tupleHash([3, 2, 1]));
  });
});

describe('ValueBins', () => {
  test('seven bin widths span the range; the maximum alone is in the top bin; bits become facts', () => {
    const bins = new ValueBins(0, 70, 3);
    expect([0, 9.99, 10, 69.99, 70].map((v) => bins.binOf(v))).toEqual([0, 0, 1, 6, 7]);
    expect(bins.factsOf(10)).toEqual([1, 2, 4]); // bin 1 = 0b001: bit0 set (1), bit1 clear (2), bit2 clear (4)
    expect(bins.factsOf(70)).toEqual([1, 3, 5]);
    expect(new ValueBins(5, 5, 3).binOf(6)).toBe(1); // a flat range gets unit-wide bins
    expect(() => new ValueBins(2, 1, 3)).toThrow(/min <= max/);
  });
});

describe('ContextMemory', () => {
  /** A memory whose context 0 is a bystander: the reference never reviews context 0 in a step that observed nothing new. */
  function memoryWithContextZero(): ContextMemory {
    const memory = new ContextMemory();
    memory.observe([100], [101]);
    memory.crossRight([101], false);
    return memory;
  }

  test('a context seen once is new, seen again is known, and it then confirms when its left half precedes its right', () => {
    const memory = memoryWithContextZero();
    expect(memory.observe([1, 2], [3])).toBe(true);
    memory.crossRight([3], false); // the step that observed it leaves it out: it cannot confirm itself
    expect(memory.observe([1, 2], [3])).toBe(false);
    memory.crossLeft([1, 2]);
    const crossing = memory.crossRight([3], false);
    expect(crossing.selected).toBe(1);
    expect(crossing.active.map((c) => c.activations)).toEqual([1]);
    expect(memory.find('1,2', '3')).toBe(crossing.active[0]);
    expect(memory.find('1,2', '4')).toBeUndefined();
  });

  test('context 0 is left out of a step that observed nothing new, as in the reference', () => {
    const memory = new ContextMemory();
    memory.observe([1, 2], [3]);
    memory.crossRight([3], false);
    memory.crossLeft([1, 2]);
    expect(memory.crossRight([3], false).selected).toBe(0);
  });

  test('a partial match of an observed context yields the common facts as a candidate', () => {
    const memory = memoryWithContextZero();
    memory.observe([1, 2, 5], [3, 4]);
    memory.crossRight([3, 4], false);
    memory.crossLeft([1, 2, 7]);
    const { selected, candidates } = memory.crossRight([3, 9], true);
    expect(selected).toBe(0);
    expect(candidates.map((c) => [c.left, c.right])).toEqual([[[1, 2], [3]]]);
    expect(memory.derive(candidates)).toBe(1);
    expect(memory.derive(candidates)).toBe(0);
  });

  test('with a cap, the least recently used contexts go and the count stays bounded', () => {
    const memory = new ContextMemory({ maxContexts: 100 });
    for (let i = 0; i < 1000; i++) {
      memory.observe([i], [i + 1]);
      memory.crossRight([i + 1], false);
      memory.crossLeft([i + 1]);
      expect(memory.size).toBeLessThanOrEqual(100);
    }
    expect(memory.find('999', '1000')).toBeDefined();
    expect(memory.find('0', '1')).toBeUndefined();
  });
});

describe('CadOse', () => {
  const noisyDaily = (n: number, seed: number): number[] => {
    const random = mulberry32(seed);
    return Array.from({ length: n }, (_, i) => 50 + 30 * Math.sin((2 * Math.PI * i) / 288) + 5 * random());
  };

  test('a value never seen after a learned pattern scores high; the rest period then reports 0', () => {
    const values = noisyDaily(3000, 1);
    values[2500] = 100;
    const cad = new CadOse({ minValue: 0, maxValue: 100, restPeriod: 100 });
    const scores = values.map((v) => cad.next(v));
    expect(scores[2500]).toBeGreaterThanOrEqual(0.75);
    expect(scores.slice(2501, 2601).every((s) => s === 0)).toBe(true);
  });

  test('a detector restored from its JSON state continues exactly as the one that kept running', () => {
    const values = noisyDaily(2000, 2);
    const running = new CadOse({ minValue: 0, maxValue: 100, restPeriod: 50, maxContexts: 500 });
    for (const v of values.slice(0, 1200)) running.next(v);
    const restored = CadOse.fromState(JSON.parse(JSON.stringify(running.toState())));
    expect(restored.contexts).toBe(running.contexts);
    for (const v of values.slice(1200)) expect(restored.next(v)).toBe(running.next(v));
  });

  test('a malformed state is refused with where it is wrong', () => {
    const state = JSON.parse(JSON.stringify(new CadOse({ minValue: 0, maxValue: 1, restPeriod: 5 }).toState()));
    expect(() => CadOse.fromState({ ...state, leftFacts: [3, 1] })).toThrow(/cad\.leftFacts: facts must be ascending/);
    expect(() => CadOse.fromState({ ...state, memory: { ...state.memory, contexts: [[0, 7, 8, 1, 1, 0]] } })).toThrow(/missing half/);
    expect(() => CadOse.fromState({ ...state, options: { ...state.options, minValue: 'x' } })).toThrow(/cad\.options\.minValue/);
  });
});
