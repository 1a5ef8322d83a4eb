/**
 * Z-order (Morton) of rows: rows close in every feature end up close in the order. Scoring rows in this order
 * lets the CPU's branch predictor learn the path through a tree from the previous row, which makes walking a
 * forest about a third faster than in arbitrary order.
 */

/** Bits of the interleaved code: it is built with 32-bit integer operations. */
const MAX_CODE_BITS = 30;

/**
 * The row indices in Z-order. Each feature is quantized between its min and max into a few bits, the bits are
 * interleaved into a code (features beyond the code's width are left out), and code and index are packed into
 * one double, an exact integer below 2^53, so that a native typed-array sort does the work.
 */
export function zOrder(values: Float64Array, numRows: number, numFeatures: number): Int32Array {
  const rowBits = Math.max(1, Math.ceil(Math.log2(numRows)));
  const codeBits = Math.min(MAX_CODE_BITS, 52 - rowBits);
  const used = Math.min(numFeatures, codeBits);
  const bitsPerFeature = Math.min(10, Math.floor(codeBits / used));
  const codes = new Int32Array(numRows);
  for (let j = 0; j < used; j++) {
    const spread = spreadTable(bitsPerFeature, used, j);
    const [min, max] = range(values, numRows, numFeatures, j);
    const scale = max > min ? (spread.length - 1) / (max - min) : 0;
    for (let i = 0; i < numRows; i++) codes[i] |= spread[Math.round((values[i * numFeatures + j] - min) * scale)];
  }
  const indexScale = 2 ** rowBits;
  const keys = new Float64Array(numRows);
  for (let i = 0; i < numRows; i++) keys[i] = codes[i] * indexScale + i;
  keys.sort();
  const order = new Int32Array(numRows);
  for (let i = 0; i < numRows; i++) order[i] = keys[i] % indexScale;
  return order;
}

/** For each quantized level of feature j, its bits moved to positions b * stride + j of the code. */
function spreadTable(bits: number, stride: number, j: number): Int32Array {
  const table = new Int32Array(1 << bits);
  for (let level = 0; level < table.length; level++) {
    for (let b = 0; b < bits; b++) if (level & (1 << b)) table[level] |= 1 << (b * stride + j);
  }
  return table;
}

function range(values: Float64Array, numRows: number, numFeatures: number, j: number): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < numRows; i++) {
    const v = values[i * numFeatures + j];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}
