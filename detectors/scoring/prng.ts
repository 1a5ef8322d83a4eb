/**
 * Seeded pseudo-random numbers (mulberry32): small, fast and good enough for sampling and split points,
 * and reproducible so tests and models can be regenerated exactly from a seed.
 */
export type Random = () => number;

/** A generator of floats in [0, 1) determined entirely by `seed`. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}
