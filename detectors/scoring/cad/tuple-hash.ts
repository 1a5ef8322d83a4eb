/**
 * CPython 2.7's hash of a tuple of non-negative integers on a 64-bit build (Objects/tupleobject.c, tuplehash;
 * an int hashes to itself), the order in which NAB's reference CAD OSE ranked equally strong contexts when its
 * published results were produced (2016, Python 2). Any fixed order would do; this one reproduces those results.
 */
const MASK_BITS = 64;

export function tupleHash(items: readonly number[]): bigint {
  let x = 0x345678n;
  let multiplier = 1000003n;
  for (let i = 0; i < items.length; i++) {
    const remaining = BigInt(items.length - 1 - i);
    x = BigInt.asIntN(MASK_BITS, (x ^ BigInt(items[i])) * multiplier);
    multiplier = BigInt.asIntN(MASK_BITS, multiplier + 82520n + remaining + remaining);
  }
  x = BigInt.asIntN(MASK_BITS, x + 97531n);
  // −1 is CPython's error marker, never a hash.
  return x === -1n ? -2n : x;
}
