/**
 * Contextual Anomaly Detector, open-source edition (CAD OSE): M. Smirnov's detector as NAB runs it
 * (numenta/NAB nab/detectors/context_ose, NAB's `contextOSE`), written from its published description and
 * reference implementation. No randomness: integers and sets.
 *
 * Each value becomes a few facts: its bin among equal-width bins of the value range, written in binary, one
 * fact per bit (bit k set → fact 2k+1, clear → 2k). The facts of the previous step (its value's facts plus the
 * "neurons" of the strongest contexts it confirmed) and the current facts form a context; the memory
 * (context-memory.ts) learns contexts and how often each is confirmed. A step is anomalous when few of the
 * contexts the previous step predicted come true and many of the contexts it could add are new:
 *   raw = (1 − active/selected + new/candidates) / 2,
 * and after a raw score at or above `baseThreshold` the reported score is 0 for `restPeriod` rows, so that one
 * event is reported once. A step whose whole context is already stored adds nothing new: its raw score is at
 * most 1/2.
 *
 * Reference details kept, as they decide the published results: NAB passes the file's minimum and maximum (the
 * look-ahead NAB allows) and restPeriod = probationary period / 5, truncated; (2^bits − 1) bin widths span the
 * range, so the maximum alone fills the top bin; the rest period starts as if a high score preceded row 0;
 * equally strong contexts are ranked by the reference's own hash (tuple-hash.ts).
 */
import { factSet, finite, integer, record } from '../state-checks.js';
import { ContextMemory, keyOf, type Context, type ContextMemoryState } from './context-memory.js';

/** Neuron facts (one per context id) start here, above every value and context fact. */
const NEURON_FACT_BASE = 2 ** 31;
/** Facts below this are value facts (2 per bit, at most 16 bits); context facts start here. */
export const CONTEXT_FACT_BASE = 32;

/** Options of `CadOse`; the defaults are the reference's. */
export interface CadOseOptions {
  /** Lower end of the value range (NAB passes the file's minimum). */
  readonly minValue: number;
  /** Upper end of the value range (NAB passes the file's maximum). */
  readonly maxValue: number;
  /** Rows after a raw score at or above `baseThreshold` that report 0 (NAB: the probationary period / 5). */
  readonly restPeriod: number;
  /** Raw score that starts a rest period. @default 0.75 */
  readonly baseThreshold?: number;
  /** Longest left half of a derived context. @default 7 */
  readonly maxLeftLength?: number;
  /** Strongest confirmed contexts that become facts of the next step. @default 15 */
  readonly maxActiveNeurons?: number;
  /** Bits of a value's bin (2^bits − 1 bin widths span the range). @default 3 */
  readonly valueBits?: number;
  /** Contexts kept (least recently used forgotten beyond it). @default Infinity, as the reference */
  readonly maxContexts?: number;
}

/** The JSON form of a `CadOse`: its options, its step counters and its memory. */
export interface CadOseState {
  /** `maxContexts` is null for an unbounded memory (JSON has no Infinity). */
  readonly options: Omit<Required<CadOseOptions>, 'maxContexts'> & { readonly maxContexts: number | null };
  readonly row: number;
  readonly lastHighRow: number;
  readonly leftFacts: number[];
  readonly memory: ContextMemoryState;
}

export class CadOse {
  readonly bins: ValueBins;
  private readonly options: Required<CadOseOptions>;
  private readonly restPeriod: number;
  private readonly memory: ContextMemory;
  /** The facts of the previous step: its value's facts and the neurons of its strongest active contexts. */
  private leftFacts: number[] = [];
  private row = 0;
  /** The last row whose raw score reached the base threshold; the reference starts as if row −1 had. */
  private lastHighRow = -1;
  /** The latest step's raw score, before the rest period. */
  lastRawScore = 0;

  constructor(options: CadOseOptions, memory?: ContextMemory) {
    this.options = {
      baseThreshold: 0.75,
      maxLeftLength: 7,
      maxActiveNeurons: 15,
      valueBits: 3,
      maxContexts: Number.POSITIVE_INFINITY,
      ...options,
    };
    this.restPeriod = Math.floor(options.restPeriod);
    if (!(this.restPeriod >= 1)) throw new Error(`restPeriod must be at least 1 row, got ${options.restPeriod}`);
    this.bins = new ValueBins(options.minValue, options.maxValue, this.options.valueBits);
    this.memory = memory ?? new ContextMemory({ maxLeftLength: this.options.maxLeftLength, maxContexts: this.options.maxContexts });
  }

  /** Contexts in memory. */
  get contexts(): number {
    return this.memory.size;
  }

  /** Whether the rest period after a high raw score covers the next row (its score will be 0). */
  get resting(): boolean {
    return this.lastHighRow >= this.row - this.restPeriod;
  }

  /**
   * The anomaly score of `value` in [0, 1] (0 during a rest period), then learns it. `contextFacts` are facts
   * about the row besides its value (each at least CONTEXT_FACT_BASE), e.g. how it compares with a day earlier.
   */
  next(value: number, contextFacts: readonly number[] = []): number {
    const resting = this.resting;
    const raw = this.step(this.factsOf(value, contextFacts));
    this.lastRawScore = raw;
    if (raw >= this.options.baseThreshold) this.lastHighRow = this.row;
    this.row++;
    return resting ? 0 : raw;
  }

  /**
   * For each possible next row (its bin and context facts), before it comes: the share of the predicting
   * contexts it would confirm, and whether its whole context is already stored. A stored context makes the raw
   * score at most 1/2; a confirmed share of at least s caps it at 1 − s/2 (the new-context share is at most 1).
   */
  outlook(rows: ReadonlyArray<{ readonly bin: number; readonly contextFacts: readonly number[] }>): Array<{ confirmed: number; known: boolean }> {
    const { selected, byRight } = this.memory.predictions();
    const leftKey = keyOf(this.leftFacts);
    return rows.map(({ bin, contextFacts }) => {
      const facts = withContext(this.bins.factsOfBin(bin), contextFacts);
      const present = new Set(facts);
      let confirming = 0;
      for (const [right, count] of byRight) if (right.facts.every((f) => present.has(f))) confirming += count;
      return { confirmed: selected > 0 ? confirming / selected : 0, known: this.memory.find(leftKey, keyOf(facts)) !== undefined };
    });
  }

  toState(): CadOseState {
    const maxContexts = Number.isFinite(this.options.maxContexts) ? this.options.maxContexts : null;
    return { options: { ...this.options, maxContexts }, row: this.row, lastHighRow: this.lastHighRow, leftFacts: [...this.leftFacts], memory: this.memory.toState() };
  }

  /** Rebuilds a detector from `toState()`'s JSON; throws on data that is not such a state. */
  static fromState(raw: unknown): CadOse {
    const state = record(raw, 'cad');
    const o = record(state.options, 'cad.options');
    const options: Required<CadOseOptions> = {
      minValue: finite(o.minValue, 'cad.options.minValue'),
      maxValue: finite(o.maxValue, 'cad.options.maxValue'),
      restPeriod: finite(o.restPeriod, 'cad.options.restPeriod'),
      baseThreshold: finite(o.baseThreshold, 'cad.options.baseThreshold'),
      maxLeftLength: integer(o.maxLeftLength, 'cad.options.maxLeftLength', 1),
      maxActiveNeurons: integer(o.maxActiveNeurons, 'cad.options.maxActiveNeurons', 1),
      valueBits: integer(o.valueBits, 'cad.options.valueBits', 1),
      // JSON has no Infinity: an unbounded memory is stored as null.
      maxContexts: o.maxContexts === null ? Number.POSITIVE_INFINITY : integer(o.maxContexts, 'cad.options.maxContexts', 1),
    };
    const leftFacts = factSet(state.leftFacts, 'cad.leftFacts');
    const memory = ContextMemory.fromState(state.memory, leftFacts, { maxLeftLength: options.maxLeftLength, maxContexts: options.maxContexts });
    const cad = new CadOse(options, memory);
    cad.row = integer(state.row, 'cad.row', 0);
    cad.lastHighRow = integer(state.lastHighRow, 'cad.lastHighRow', -1);
    cad.leftFacts = leftFacts;
    return cad;
  }

  private factsOf(value: number, contextFacts: readonly number[]): number[] {
    return withContext(this.bins.factsOf(value), contextFacts);
  }

  /** The raw score of one step: (1 − share of predictions confirmed + share of new contexts among candidates) / 2. */
  private step(facts: readonly number[]): number {
    const unique = new Set<string>();
    let observedIsNew = false;
    if (this.leftFacts.length > 0) {
      unique.add(`${keyOf(this.leftFacts)}|${keyOf(facts)}`);
      observedIsNew = this.memory.observe(this.leftFacts, facts);
    }
    const { active, selected, candidates } = this.memory.crossRight(facts, observedIsNew);
    for (const c of candidates) unique.add(`${c.leftKey}|${c.rightKey}`);
    const neurons = strongest(active, this.options.maxActiveNeurons).map((c) => NEURON_FACT_BASE + c.id);
    this.leftFacts = [...facts, ...neurons].sort((a, b) => a - b);
    const created = this.memory.derive(candidates) + (observedIsNew ? 1 : 0);
    this.memory.crossLeft(this.leftFacts);
    const confirmed = selected > 0 ? active.length / selected : 0;
    const novelty = observedIsNew && unique.size > 0 ? created / unique.size : 0;
    return (1 - confirmed + novelty) / 2;
  }
}

/** A row's facts: its value's facts and its context facts, ascending. */
function withContext(valueFacts: readonly number[], contextFacts: readonly number[]): number[] {
  for (const fact of contextFacts) {
    if (!(Number.isInteger(fact) && fact >= CONTEXT_FACT_BASE && fact < NEURON_FACT_BASE)) throw new Error(`a context fact must be an integer in [${CONTEXT_FACT_BASE}, 2^31), got ${fact}`);
  }
  return [...valueFacts, ...contextFacts].sort((a, b) => a - b);
}

/**
 * The `count` most often confirmed contexts. Equally confirmed ones rank by the reference's hash of their left,
 * then right, fact tuple (tuple-hash.ts): the order NAB's published results were produced in. Any fixed order
 * would do; this one makes the published detections reproducible.
 */
function strongest(active: readonly Context[], count: number): Context[] {
  if (active.length <= count) return [...active];
  return [...active].sort(byStrength).slice(-count);
}

function byStrength(a: Context, b: Context): number {
  return a.activations - b.activations || compare(a.left.hash, b.left.hash) || compare(a.right.hash, b.right.hash);
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Equal-width bins over [min, max]: (2^bits − 1) bin widths span the range, so the maximum has a bin of its
 * own (the reference's discretisation). A value's facts are its bin number's bits, least significant first.
 */
export class ValueBins {
  /** Width of a bin. */
  readonly width: number;
  readonly count: number;

  constructor(readonly min: number, readonly max: number, readonly bits: number) {
    if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) throw new Error(`value range must be finite with min <= max, got [${min}, ${max}]`);
    if (!Number.isInteger(bits) || bits < 1 || bits > 16) throw new Error(`bits must be an integer in 1..16, got ${bits}`);
    this.count = 2 ** bits;
    // A constant series (zero range) gets unit-wide bins, as in the reference.
    this.width = (max - min === 0 ? this.count - 1 : max - min) / (this.count - 1);
  }

  /** The bin of a value (values outside the range are clamped to the end bins). */
  binOf(value: number): number {
    const bin = Math.trunc((value - this.min) / this.width);
    return Math.min(Math.max(bin, 0), this.count - 1);
  }

  /** The facts of a value: for bit k of its bin, 2k + bit. */
  factsOf(value: number): number[] {
    return this.factsOfBin(this.binOf(value));
  }

  factsOfBin(bin: number): number[] {
    return Array.from({ length: this.bits }, (_, k) => 2 * k + ((bin >> k) & 1));
  }

  /** Where a bin starts. */
  lowerEdge(bin: number): number {
    return this.min + bin * this.width;
  }
}

