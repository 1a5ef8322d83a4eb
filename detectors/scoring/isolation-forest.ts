/**
 * Isolation Forest (Liu, Ting and Zhou, 2008). Each tree isolates a random subsample by random axis-aligned
 * splits; anomalies are isolated in fewer splits, so their mean path length is short and the score
 * s(x, n) = 2^(-E[h(x)] / c(n)) is close to 1, while ordinary points score around 0.5 or less.
 *
 * Trees live in flat typed arrays (one entry per node, all trees concatenated) so that a fitted forest is a
 * few hundred kilobytes, scores without allocation and serializes to JSON directly.
 */
import { mulberry32, randomInt, type Random } from './prng.js';
import { zOrder } from './z-order.js';

const EULER_GAMMA = 0.5772156649;
/** Serialization format version; bump when the JSON layout changes. */
const ISOLATION_FOREST_VERSION = 1;
const JSON_KIND = 'odin.isolation-forest';
const LEAF = -1;
/** Trees no deeper than this (ψ <= 256, the default) are padded to exactly this depth and walked unrolled. */
const UNROLLED_DEPTH = 8;
/** Below this many rows, sorting them into Z-order costs more than it saves. */
const Z_ORDER_MIN_ROWS = 1024;

/**
 * Average path length of an unsuccessful search in a binary search tree of n points: the normalization c(n)
 * of the paper. c(n) = 2H(n-1) - 2(n-1)/n with H(i) ≈ ln(i) + γ; c(2) = 1 and c(1) = c(0) = 0.
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/** Options of `IsolationForest`. */
export interface IsolationForestOptions {
  /** @default 100 */
  readonly numTrees?: number;
  /** Subsample size ψ per tree (capped at the number of rows). @default 256 */
  readonly sampleSize?: number;
  /** PRNG seed: the same seed and data give the same forest. @default 42 */
  readonly seed?: number;
}

/** The JSON form of a fitted forest (`toJSON`/`fromJSON`). */
export interface IsolationForestJson {
  readonly kind: typeof JSON_KIND;
  readonly version: number;
  readonly numFeatures: number;
  /** ψ actually used: min(sampleSize, rows). */
  readonly sampleSize: number;
  readonly seed: number;
  /** Index of each tree's root node. */
  readonly roots: number[];
  /** Split feature per node, -1 for a leaf. */
  readonly feature: number[];
  readonly threshold: number[];
  readonly left: number[];
  readonly right: number[];
  /** Training points that reached the node (used at leaves for the c(size) adjustment). */
  readonly size: number[];
}

interface Trees {
  numFeatures: number;
  sampleSize: number;
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  size: Int32Array;
}

type Rows = ReadonlyArray<ArrayLike<number>>;

export class IsolationForest {
  public readonly numTrees: number;
  public readonly sampleSize: number;
  public readonly seed: number;
  private trees: Trees | undefined;
  /** The trees laid out for scoring; rebuilt from `trees` by fit and fromJSON. */
  private complete: CompleteTrees = { numTrees: 0, depth: 0, slotsPerTree: 1, feature: new Int32Array(0), threshold: new Float64Array(0), leafValue: new Float64Array(0) };

  constructor(options: IsolationForestOptions = {}) {
    this.numTrees = options.numTrees ?? 100;
    this.sampleSize = options.sampleSize ?? 256;
    this.seed = options.seed ?? 42;
    if (!Number.isInteger(this.numTrees) || this.numTrees < 1) throw new Error(`numTrees must be a positive integer, got ${this.numTrees}`);
    if (!Number.isInteger(this.sampleSize) || this.sampleSize < 2) throw new Error(`sampleSize must be an integer >= 2, got ${this.sampleSize}`);
  }

  /** Number of features the forest was fitted on; undefined before `fit`. */
  get numFeatures(): number | undefined {
    return this.trees?.numFeatures;
  }

  /** Fits the forest on rows of finite numbers (at least two rows, all of the same length). */
  fit(rows: Rows): this {
    const data = flatten(rows);
    const psi = Math.min(this.sampleSize, data.numRows);
    this.trees = buildForest(data, psi, this.numTrees, mulberry32(this.seed));
    this.complete = completeTrees(this.trees);
    return this;
  }

  /** Anomaly score s(x, ψ) in (0, 1): near 1 is anomalous, 0.5 or below is ordinary. */
  score(row: ArrayLike<number>): number {
    return this.scoreMany([row])[0];
  }

  /**
   * Scores of many rows (same meaning as `score`). Tree by tree over all rows, so each tree stays in the CPU
   * cache while every row walks it; every walk takes exactly `depth` steps (see `CompleteTrees`); and rows are
   * walked in Z-order (see z-order.ts) so that consecutive walks mostly take the same turns.
   */
  scoreMany(rows: Rows): Float64Array {
    const trees = this.fitted();
    const flat = flattenRows(rows, trees.numFeatures);
    const { numRows, numFeatures } = flat;
    const order = numRows >= Z_ORDER_MIN_ROWS ? zOrder(flat.values, numRows, numFeatures) : Int32Array.from({ length: numRows }, (_, i) => i);
    const values = new Float64Array(flat.values.length);
    for (let i = 0; i < numRows; i++) values.set(flat.values.subarray(order[i] * numFeatures, (order[i] + 1) * numFeatures), i * numFeatures);
    const pathLengths = this.walk(values, numRows, numFeatures);
    const norm = -1 / (this.complete.numTrees * averagePathLength(trees.sampleSize));
    const scores = new Float64Array(numRows);
    for (let i = 0; i < numRows; i++) scores[order[i]] = Math.pow(2, pathLengths[i] * norm);
    return scores;
  }

  /**
   * The score of `row` as a function of feature `feature` alone, the others held at their values in `row`. Every
   * split on that feature cuts its axis, so the score is a step function: constant on the pieces
   * [starts[i], starts[i + 1]) (the first starting at -Infinity, the last open to +Infinity) and `scores[i]` is
   * exactly what `score` returns for any row in piece i (same path lengths, summed in the same order).
   */
  scoreProfile(row: ArrayLike<number>, feature: number): ScoreProfile {
    const trees = this.fitted();
    checkRow(row, trees.numFeatures, 0);
    if (!Number.isInteger(feature) || feature < 0 || feature >= trees.numFeatures) throw new Error(`feature must be an integer in [0, ${trees.numFeatures}), got ${feature}`);
    const perTree = Array.from({ length: this.complete.numTrees }, (_, tree) => this.treeProfile(tree, row, feature));
    const starts = Float64Array.from(new Set(perTree.flatMap((p) => p.starts))).sort();
    const total = new Float64Array(starts.length);
    for (const piece of perTree) {
      // Both lists are ascending: walk the tree's pieces alongside the merged ones.
      let k = 0;
      for (let i = 0; i < starts.length; i++) {
        while (k + 1 < piece.starts.length && piece.starts[k + 1] <= starts[i]) k++;
        total[i] += piece.pathLengths[k];
      }
    }
    const norm = -1 / (this.complete.numTrees * averagePathLength(trees.sampleSize));
    return { starts, scores: total.map((t) => Math.pow(2, t * norm)) };
  }

  toJSON(): IsolationForestJson {
    const t = this.fitted();
    return {
      kind: JSON_KIND,
      version: ISOLATION_FOREST_VERSION,
      numFeatures: t.numFeatures,
      sampleSize: t.sampleSize,
      seed: this.seed,
      roots: Array.from(t.roots),
      feature: Array.from(t.feature),
      threshold: Array.from(t.threshold),
      left: Array.from(t.left),
      right: Array.from(t.right),
      size: Array.from(t.size),
    };
  }

  /** Rebuilds a forest from `toJSON` output; throws an error naming the problem for anything else. */
  static fromJSON(raw: unknown): IsolationForest {
    const trees = parseTrees(raw);
    const forest = new IsolationForest({ numTrees: trees.roots.length, sampleSize: Math.max(2, trees.sampleSize), seed: (raw as IsolationForestJson).seed });
    forest.trees = trees;
    forest.complete = completeTrees(trees);
    return forest;
  }

  /**
   * One tree's path length along `feature` (see `scoreProfile`): a depth-first walk that follows the row at every
   * other feature's split and both ways at this feature's, keeping the interval of values that reach each slot.
   * Left children first, so the pieces come out in ascending order.
   */
  private treeProfile(tree: number, row: ArrayLike<number>, feature: number): { starts: number[]; pathLengths: number[] } {
    const { depth, slotsPerTree, feature: splitFeature, threshold, leafValue } = this.complete;
    const base = tree * slotsPerTree;
    const starts: number[] = [];
    const pathLengths: number[] = [];
    const stack: number[] = [base, 0, -Infinity, Infinity];
    while (stack.length > 0) {
      const hi = stack.pop()!;
      const lo = stack.pop()!;
      const level = stack.pop()!;
      const q = stack.pop()!;
      if (level === depth) {
        starts.push(lo);
        pathLengths.push(leafValue[q]);
        continue;
      }
      const left = 2 * q - base + 1;
      const t = threshold[q];
      if (splitFeature[q] !== feature) {
        stack.push(row[splitFeature[q]] < t ? left : left + 1, level + 1, lo, hi);
        continue;
      }
      // Pushed right first so that the left (lower) interval is walked first.
      if (Math.max(lo, t) < hi) stack.push(left + 1, level + 1, Math.max(lo, t), hi);
      if (lo < Math.min(hi, t)) stack.push(left, level + 1, lo, Math.min(hi, t));
    }
    return { starts, pathLengths };
  }

  /** Sum over the trees of each row's path length. */
  private walk(values: Float64Array, numRows: number, numFeatures: number): Float64Array {
    const { numTrees, depth, slotsPerTree, feature, threshold, leafValue } = this.complete;
    const total = new Float64Array(numRows);
    for (let tree = 0; tree < numTrees; tree++) {
      const base = tree * slotsPerTree;
      for (let i = 0, o = 0; i < numRows; i++, o += numFeatures) {
        let q = base;
        if (depth === UNROLLED_DEPTH) {
          // The child of slot q (absolute index) is 2q - base + 1 (left) or + 2 (right). Written out eight
          // times because V8 does not unroll loops: about a third faster than the loop below.
          q = 2 * q - base + (values[o + feature[q]] < threshold[q] ? 1 : 2);
          q = 2 * q - base + (values[o + feature[q]] < threshold[q] ? 1 : 2);
          q = 2 * q - base + (values[o + feature[q]] < threshold[q] ? 1 : 2);
          q = 2 * q - base + (values[o + feature[q]] < threshold[q] ? 1 : 2);
          q = 2 * q - base + (values[o + feature[q]] < threshold[q] ? 1 : 2);
          q = 2 * q - base + (values[o + feature[q]] < threshold[q] ? 1 : 2);
          q = 2 * q - base + (values[o + feature[q]] < threshold[q] ? 1 : 2);
          q = 2 * q - base + (values[o + feature[q]] < threshold[q] ? 1 : 2);
        } else {
          for (let level = 0; level < depth; level++) q = 2 * q - base + (values[o + feature[q]] < threshold[q] ? 1 : 2);
        }
        total[i] += leafValue[q];
      }
    }
    return total;
  }

  private fitted(): Trees {
    if (!this.trees) throw new Error('isolation forest is not fitted: call fit() or fromJSON() first');
    return this.trees;
  }
}

/** A step function of one feature: `scores[i]` on [starts[i], starts[i + 1]); starts[0] is -Infinity. */
export interface ScoreProfile {
  readonly starts: Float64Array;
  readonly scores: Float64Array;
}

interface FlatData {
  values: Float64Array;
  numRows: number;
  numFeatures: number;
}

function flatten(rows: Rows): FlatData {
  if (rows.length < 2) throw new Error(`isolation forest needs at least 2 rows, got ${rows.length}`);
  if (rows[0].length < 1) throw new Error('isolation forest rows need at least one feature, got 0');
  return flattenRows(rows, rows[0].length);
}

/** Rows copied into one row-major array, each checked for length and finite values. */
function flattenRows(rows: Rows, numFeatures: number): FlatData {
  const values = new Float64Array(rows.length * numFeatures);
  for (let i = 0; i < rows.length; i++) {
    checkRow(rows[i], numFeatures, i);
    for (let j = 0; j < numFeatures; j++) values[i * numFeatures + j] = rows[i][j];
  }
  return { values, numRows: rows.length, numFeatures };
}

function checkRow(row: ArrayLike<number>, numFeatures: number, index: number): void {
  if (row.length !== numFeatures) throw new Error(`row ${index} has ${row.length} features, expected ${numFeatures}`);
  for (let j = 0; j < numFeatures; j++) {
    if (!Number.isFinite(row[j])) throw new Error(`row ${index} feature ${j} is not a finite number: ${row[j]}`);
  }
}

/**
 * The scoring layout: every tree as a complete binary tree of the forest's depth in heap order (children of slot
 * i at 2i+1 and 2i+2), so a walk is a fixed number of steps with no test for leaves. A leaf above the bottom is
 * extended by pass-through slots (threshold +Infinity: every finite value goes left) down to a bottom slot that
 * holds the leaf's path length, depth + c(size). Shallower forests are padded to depth 8 (511 slots per tree),
 * the height limit of ψ = 256, so the common case takes the unrolled walk.
 */
interface CompleteTrees {
  numTrees: number;
  depth: number;
  slotsPerTree: number;
  feature: Int32Array;
  threshold: Float64Array;
  /** Path length at each bottom slot (indexed like the other arrays; 0 elsewhere). */
  leafValue: Float64Array;
}

function completeTrees(t: Trees): CompleteTrees {
  const deepest = maxDepth(t);
  const depth = deepest <= UNROLLED_DEPTH ? UNROLLED_DEPTH : deepest;
  const slotsPerTree = 2 ** (depth + 1) - 1;
  const out: CompleteTrees = {
    numTrees: t.roots.length,
    depth,
    slotsPerTree,
    feature: new Int32Array(t.roots.length * slotsPerTree),
    threshold: new Float64Array(t.roots.length * slotsPerTree).fill(Infinity),
    leafValue: new Float64Array(t.roots.length * slotsPerTree),
  };
  t.roots.forEach((root, tree) => {
    const base = tree * slotsPerTree;
    const stack: number[] = [root, 0, 0];
    while (stack.length > 0) {
      const level = stack.pop()!;
      const slot = stack.pop()!;
      const node = stack.pop()!;
      if (t.feature[node] === LEAF) {
        // Pass-through slots (feature 0 against +Infinity, the fill values) carry the leaf down the left edge;
        // the bottom slot keeps the leaf's own depth.
        let bottom = slot;
        for (let l = level; l < depth; l++) bottom = 2 * bottom + 1;
        out.leafValue[base + bottom] = level + averagePathLength(t.size[node]);
      } else {
        out.feature[base + slot] = t.feature[node];
        out.threshold[base + slot] = t.threshold[node];
        stack.push(t.left[node], 2 * slot + 1, level + 1, t.right[node], 2 * slot + 2, level + 1);
      }
    }
  });
  return out;
}

/** Depth of the deepest leaf (children always come after their parent in the node arrays). */
function maxDepth(t: Trees): number {
  const depth = new Int32Array(t.feature.length);
  let deepest = 0;
  for (let node = 0; node < t.feature.length; node++) {
    deepest = Math.max(deepest, depth[node]);
    if (t.feature[node] === LEAF) continue;
    depth[t.left[node]] = depth[node] + 1;
    depth[t.right[node]] = depth[node] + 1;
  }
  return deepest;
}

function buildForest(data: FlatData, psi: number, numTrees: number, random: Random): Trees {
  const nodesPerTree = 2 * psi - 1;
  const capacity = numTrees * nodesPerTree;
  const builder: TreeBuilder = {
    data,
    random,
    heightLimit: Math.ceil(Math.log2(psi)),
    feature: new Int32Array(capacity),
    threshold: new Float64Array(capacity),
    left: new Int32Array(capacity),
    right: new Int32Array(capacity),
    size: new Int32Array(capacity),
    nodeCount: 0,
    sample: new Int32Array(psi),
    featureOrder: new Int32Array(data.numFeatures),
  };
  const allRows = Int32Array.from({ length: data.numRows }, (_, i) => i);
  const roots = new Int32Array(numTrees);
  for (let tree = 0; tree < numTrees; tree++) {
    drawSample(allRows, builder.sample, random);
    roots[tree] = buildTree(builder);
  }
  const n = builder.nodeCount;
  return {
    numFeatures: data.numFeatures,
    sampleSize: psi,
    roots,
    feature: builder.feature.slice(0, n),
    threshold: builder.threshold.slice(0, n),
    left: builder.left.slice(0, n),
    right: builder.right.slice(0, n),
    size: builder.size.slice(0, n),
  };
}

/** Sampling without replacement: a partial Fisher-Yates shuffle of `pool`, first `out.length` entries taken. */
function drawSample(pool: Int32Array, out: Int32Array, random: Random): void {
  for (let i = 0; i < out.length; i++) {
    const j = i + randomInt(random, pool.length - i);
    const picked = pool[j];
    pool[j] = pool[i];
    pool[i] = picked;
    out[i] = picked;
  }
}

interface TreeBuilder {
  data: FlatData;
  random: Random;
  heightLimit: number;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  size: Int32Array;
  nodeCount: number;
  /** Row indices of the current tree's sample, partitioned in place as the tree grows. */
  sample: Int32Array;
  featureOrder: Int32Array;
}

/** Builds one tree over `b.sample` depth-first with an explicit stack; returns the root's index. */
function buildTree(b: TreeBuilder): number {
  const root = newNode(b, b.sample.length);
  const stack: number[] = [root, 0, b.sample.length, 0];
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const node = stack.pop()!;
    const split = depth < b.heightLimit && end - start > 1 ? chooseSplit(b, start, end) : undefined;
    if (!split) continue;
    const middle = partition(b, start, end, split.feature, split.threshold);
    b.feature[node] = split.feature;
    b.threshold[node] = split.threshold;
    b.left[node] = newNode(b, middle - start);
    b.right[node] = newNode(b, end - middle);
    stack.push(b.left[node], start, middle, depth + 1, b.right[node], middle, end, depth + 1);
  }
  return root;
}

function newNode(b: TreeBuilder, size: number): number {
  const node = b.nodeCount++;
  b.feature[node] = LEAF;
  b.left[node] = LEAF;
  b.right[node] = LEAF;
  b.size[node] = size;
  return node;
}

/**
 * A random feature that is not constant on the node (features drawn without replacement, as scikit-learn
 * does) and a threshold uniform in (min, max]; undefined when every feature is constant, making a leaf.
 */
function chooseSplit(b: TreeBuilder, start: number, end: number): { feature: number; threshold: number } | undefined {
  const { values, numFeatures } = b.data;
  const order = b.featureOrder;
  for (let j = 0; j < numFeatures; j++) order[j] = j;
  for (let tried = 0; tried < numFeatures; tried++) {
    const k = tried + randomInt(b.random, numFeatures - tried);
    const feature = order[k];
    order[k] = order[tried];
    order[tried] = feature;
    let min = Infinity;
    let max = -Infinity;
    for (let i = start; i < end; i++) {
      const v = values[b.sample[i] * numFeatures + feature];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (max > min) {
      const threshold = min + b.random() * (max - min);
      // `x < threshold` goes left, so a threshold equal to min would leave the left side empty.
      return { feature, threshold: threshold > min ? threshold : max };
    }
  }
  return undefined;
}

/** Moves the rows with value < threshold to the front of [start, end); returns where the right side starts. */
function partition(b: TreeBuilder, start: number, end: number, feature: number, threshold: number): number {
  const { values, numFeatures } = b.data;
  const s = b.sample;
  let i = start;
  let j = end - 1;
  while (i <= j) {
    if (values[s[i] * numFeatures + feature] < threshold) {
      i++;
    } else {
      const t = s[i];
      s[i] = s[j];
      s[j] = t;
      j--;
    }
  }
  return i;
}

function parseTrees(raw: unknown): Trees {
  if (typeof raw !== 'object' || raw === null) throw new Error(`isolation forest JSON must be an object, got ${typeof raw}`);
  const json = raw as Partial<Record<keyof IsolationForestJson, unknown>>;
  if (json.kind !== JSON_KIND) throw new Error(`isolation forest JSON kind must be '${JSON_KIND}', got ${JSON.stringify(json.kind)}`);
  if (json.version !== ISOLATION_FOREST_VERSION) throw new Error(`isolation forest JSON version ${JSON.stringify(json.version)} is not supported (expected ${ISOLATION_FOREST_VERSION})`);
  const numFeatures = positiveInteger(json.numFeatures, 'numFeatures');
  const sampleSize = positiveInteger(json.sampleSize, 'sampleSize');
  if (typeof json.seed !== 'number') throw new Error(`isolation forest JSON seed must be a number, got ${JSON.stringify(json.seed)}`);
  const trees: Trees = {
    numFeatures,
    sampleSize,
    roots: Int32Array.from(numberArray(json.roots, 'roots')),
    feature: Int32Array.from(numberArray(json.feature, 'feature')),
    threshold: Float64Array.from(numberArray(json.threshold, 'threshold')),
    left: Int32Array.from(numberArray(json.left, 'left')),
    right: Int32Array.from(numberArray(json.right, 'right')),
    size: Int32Array.from(numberArray(json.size, 'size')),
  };
  checkStructure(trees, json);
  return trees;
}

function positiveInteger(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`isolation forest JSON ${field} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

function numberArray(v: unknown, field: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new Error(`isolation forest JSON ${field} must be an array of finite numbers`);
  }
  return v as number[];
}

/** Checks that the arrays describe trees: matching lengths, integer fields, children after their parent (no cycles). */
function checkStructure(t: Trees, json: Partial<Record<keyof IsolationForestJson, unknown>>): void {
  const n = t.feature.length;
  for (const field of ['feature', 'threshold', 'left', 'right', 'size'] as const) {
    if ((json[field] as number[]).length !== n) throw new Error(`isolation forest JSON ${field} has ${(json[field] as number[]).length} entries, expected ${n}`);
  }
  for (const field of ['roots', 'feature', 'left', 'right', 'size'] as const) {
    if (!(json[field] as number[]).every(Number.isInteger)) throw new Error(`isolation forest JSON ${field} must hold integers`);
  }
  if (t.roots.length === 0) throw new Error('isolation forest JSON has no trees');
  if (!t.roots.every((r) => r >= 0 && r < n)) throw new Error('isolation forest JSON roots point outside the node arrays');
  for (let node = 0; node < n; node++) {
    if (t.size[node] < 0 || t.size[node] > t.sampleSize) throw new Error(`isolation forest JSON node ${node} has size ${t.size[node]} outside [0, ${t.sampleSize}]`);
    if (t.feature[node] === LEAF) continue;
    if (t.feature[node] < 0 || t.feature[node] >= t.numFeatures) throw new Error(`isolation forest JSON node ${node} splits on feature ${t.feature[node]}, not in [0, ${t.numFeatures})`);
    for (const child of [t.left[node], t.right[node]]) {
      if (child <= node || child >= n) throw new Error(`isolation forest JSON node ${node} has child ${child}, which is not a later node`);
    }
  }
  const limit = Math.ceil(Math.log2(Math.max(2, t.sampleSize)));
  if (maxDepth(t) > limit) throw new Error(`isolation forest JSON trees are deeper than the height limit ${limit} of sample size ${t.sampleSize}`);
}
