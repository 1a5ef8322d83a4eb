/**
 * The memory of the Contextual Anomaly Detector (CAD OSE, M. Smirnov 2016; NAB's `contextOSE`): contexts, each a
 * pair of fact sets — what was true just before (left) and what became true next (right) — stored as two
 * halves ("semi-contexts") so that contexts sharing a half share its storage and its matching work.
 *
 * Each step the current facts are matched against every semi-context of one side ("crossing"): a semi-context
 * is fully matched when all its facts are present, partly matched when some are. A context whose left half was
 * fully matched by the previous step's facts is "selected" (it predicts its right half); it is "active" when its
 * right half is fully matched by this step's facts too. A partial match of an observed context is a candidate
 * for a new, smaller context: the facts that the stream and each half have in common.
 *
 * Order: the reference (numenta/NAB nab/detectors/context_ose) iterates semi-contexts and contexts in creation
 * order (Python lists and, since Python 3.7, dicts) and so does this memory; it keys semi-contexts by Python's
 * hash of the fact tuple, here they are keyed by the facts themselves (no collisions).
 */
import { factSet, integer, list, record } from '../state-checks.js';
import { tupleHash } from './tuple-hash.js';

/** One half of a context: a sorted set of facts, and which of them the latest crossing's facts hold. */
export interface SemiContext {
  /** Creation order; crossing visits semi-contexts in it. */
  readonly id: number;
  readonly facts: readonly number[];
  /** Identity of the fact set (its facts joined). */
  readonly key: string;
  /** The reference's hash of the fact tuple: the tie-break among equally strong contexts (see cad-ose.ts). */
  readonly hash: bigint;
  /** How many of the latest crossing's facts this semi-context holds. */
  matched: number;
  /** Those facts (ascending) and their key, computed when first needed after a crossing. */
  common: { readonly facts: number[]; readonly key: string } | undefined;
}

interface LeftSemiContext extends SemiContext {
  /** The contexts with this left half, keyed by their right half's id. */
  readonly byRight: Map<number, Context>;
  /** The same contexts in creation order (iterating an array beats iterating a Map in the hot loop). */
  contexts: Context[];
}

/** A context: a left half that, when seen, was followed by its right half. */
export interface Context {
  /** Creation order, never reused: a context's id is also the fact of its "neuron" firing. */
  readonly id: number;
  readonly left: LeftSemiContext;
  readonly right: SemiContext;
  /** Times the context was active (its left half seen, then its right half). */
  activations: number;
  /** Whether the context was seen whole in the stream (a "zero-level" context), not only derived by crossing. */
  observed: boolean;
  /** The step at which it was created or last active: the eviction order when memory is bounded. */
  lastUsedStep: number;
}

/** A candidate context: per half, the facts that the stream confirmed, with their key. */
export interface Candidate {
  readonly left: readonly number[];
  readonly leftKey: string;
  readonly right: readonly number[];
  readonly rightKey: string;
}

/** What crossing the right halves with the current facts found. */
export interface RightCrossing {
  /** Contexts fully confirmed: left half seen last step, right half now. */
  readonly active: Context[];
  /** Contexts whose left half was fully seen last step (they made a prediction). */
  readonly selected: number;
  /** Candidate new contexts from partial matches of observed contexts, in discovery order (may repeat). */
  readonly candidates: Candidate[];
}

/** The identity of a sorted fact set. */
export function keyOf(facts: readonly number[]): string {
  return facts.join(',');
}

/** The semi-contexts of one side, with an index from fact to the semi-contexts that hold it. */
class Side<S extends SemiContext> {
  readonly byKey = new Map<string, S>();
  private readonly byFact = new Map<number, S[]>();
  /** Every semi-context, in creation order. */
  private all: S[] = [];
  /** Semi-contexts matched (partly or fully) by the latest crossing, in creation order. */
  crossed: S[] = [];
  /** The facts of the latest crossing. */
  private crossing = new Set<number>();

  add(semi: S): void {
    this.byKey.set(semi.key, semi);
    this.all.push(semi);
    for (const fact of semi.facts) {
      const list = this.byFact.get(fact);
      if (list) list.push(semi);
      else this.byFact.set(fact, [semi]);
    }
  }

  /** Matches every semi-context against `facts` (ascending, distinct). */
  cross(facts: readonly number[]): void {
    for (const semi of this.crossed) {
      semi.matched = 0;
      semi.common = undefined;
    }
    for (const fact of facts) for (const semi of this.byFact.get(fact) ?? []) semi.matched++;
    this.crossed = this.all.filter((semi) => semi.matched > 0);
    this.crossing = new Set(facts);
  }

  /** The facts a semi-context has in common with the latest crossing. */
  common(semi: S): { readonly facts: number[]; readonly key: string } {
    if (semi.common) return semi.common;
    const facts = semi.facts.filter((fact) => this.crossing.has(fact));
    semi.common = { facts, key: keyOf(facts) };
    return semi.common;
  }

  /** Removes the given semi-contexts from every index. */
  remove(gone: ReadonlySet<S>): void {
    if (gone.size === 0) return;
    for (const semi of gone) this.byKey.delete(semi.key);
    this.all = this.all.filter((semi) => !gone.has(semi));
    this.crossed = this.crossed.filter((semi) => !gone.has(semi));
    for (const [fact, list] of this.byFact) {
      const kept = list.filter((semi) => !gone.has(semi));
      if (kept.length === 0) this.byFact.delete(fact);
      else if (kept.length !== list.length) this.byFact.set(fact, kept);
    }
  }

  values(): readonly S[] {
    return this.all;
  }
}

/** A stored context: id, left half id, right half id, activations, observed (1) or derived (0), last used step. */
export type ContextState = [id: number, left: number, right: number, activations: number, observed: number, lastUsedStep: number];

/** The JSON form of a `ContextMemory`: semi-contexts as [id, facts], contexts, and the counters. */
export interface ContextMemoryState {
  readonly left: ReadonlyArray<[number, number[]]>;
  readonly right: ReadonlyArray<[number, number[]]>;
  readonly contexts: readonly ContextState[];
  readonly nextSemiId: number;
  readonly nextContextId: number;
  readonly step: number;
}

/** Options of `ContextMemory`. */
export interface ContextMemoryOptions {
  /** Longest left half a derived context may have (the reference's maxLeftSemiContextsLenght). @default 7 */
  readonly maxLeftLength?: number;
  /** Contexts kept; beyond it the least recently used are forgotten. @default Infinity (the reference's unbounded memory) */
  readonly maxContexts?: number;
}

export class ContextMemory {
  private readonly maxLeftLength: number;
  private readonly maxContexts: number;
  private readonly left = new Side<LeftSemiContext>();
  private readonly right = new Side<SemiContext>();
  private nextSemiId = 0;
  private nextContextId = 0;
  private contextCount = 0;
  private step = 0;
  /**
   * The context left out of this step's review: the observed context created this step (it must not confirm
   * itself), else context 0, as in the reference, where "no new context" is Python's False, equal to id 0.
   */
  private skippedContextId = 0;

  constructor(options: ContextMemoryOptions = {}) {
    this.maxLeftLength = options.maxLeftLength ?? 7;
    this.maxContexts = options.maxContexts ?? Number.POSITIVE_INFINITY;
    if (!(this.maxContexts >= 1)) throw new Error(`maxContexts must be at least 1, got ${this.maxContexts}`);
  }

  /** Contexts currently stored. */
  get size(): number {
    return this.contextCount;
  }

  /**
   * Records the context the stream just showed: the previous step's facts followed by the current ones (both
   * ascending). True when it was new; an existing one is marked observed.
   */
  observe(left: readonly number[], right: readonly number[]): boolean {
    const { context, created } = this.contextOf(this.leftSemi(left, keyOf(left)), this.rightSemi(right, keyOf(right)));
    context.observed = true;
    if (created) this.skippedContextId = context.id;
    return created;
  }

  /** The context with exactly these halves, if stored (a lookup that changes nothing). */
  find(leftKey: string, rightKey: string): Context | undefined {
    const right = this.right.byKey.get(rightKey);
    return right && this.left.byKey.get(leftKey)?.byRight.get(right.id);
  }

  /**
   * What the latest left crossing predicts for the next step: how many contexts are selected (left half wholly
   * matched), and how many of them each right half would confirm. Changes nothing.
   */
  predictions(): { selected: number; byRight: Map<SemiContext, number> } {
    const byRight = new Map<SemiContext, number>();
    let selected = 0;
    for (const left of this.left.crossed) {
      if (left.matched !== left.facts.length) continue;
      for (const context of left.contexts) {
        selected++;
        byRight.set(context.right, (byRight.get(context.right) ?? 0) + 1);
      }
    }
    return { selected, byRight };
  }

  /** Stores candidate contexts; returns how many were new. */
  derive(candidates: readonly Candidate[]): number {
    let created = 0;
    for (const c of candidates) {
      if (this.contextOf(this.leftSemi(c.left, c.leftKey), this.rightSemi(c.right, c.rightKey)).created) created++;
    }
    return created;
  }

  /** Crosses the left halves with the facts that the next step's facts will follow. */
  crossLeft(facts: readonly number[]): void {
    this.left.cross(facts);
    if (this.contextCount > this.maxContexts) this.evict();
  }

  /**
   * Crosses the right halves with the current facts and reviews every context whose left half the previous facts
   * matched. Candidates are collected only when `collectCandidates` (the step's observed context is new;
   * otherwise the reference collects none, every candidate having been derived before).
   */
  crossRight(facts: readonly number[], collectCandidates: boolean): RightCrossing {
    this.step++;
    this.right.cross(facts);
    const active: Context[] = [];
    const candidates: Candidate[] = [];
    let selected = 0;
    for (const left of this.left.crossed) {
      const leftWhole = left.matched === left.facts.length;
      const mayDerive = collectCandidates && left.matched <= this.maxLeftLength;
      for (const context of left.contexts) {
        if (context.id === this.skippedContextId) continue;
        if (leftWhole) selected++;
        const right = context.right;
        if (right.matched === 0) continue;
        if (leftWhole && right.matched === right.facts.length) {
          context.activations++;
          context.lastUsedStep = this.step;
          active.push(context);
        } else if (mayDerive && context.observed) {
          const [l, r] = [this.left.common(left), this.right.common(right)];
          candidates.push({ left: l.facts, leftKey: l.key, right: r.facts, rightKey: r.key });
        }
      }
    }
    this.skippedContextId = 0;
    return { active, selected, candidates };
  }

  /** The memory as plain JSON-able data (see `ContextMemory.fromState`). */
  toState(): ContextMemoryState {
    const semis = (side: Side<SemiContext>): Array<[number, number[]]> => side.values().map((s) => [s.id, [...s.facts]]);
    const contexts: ContextState[] = [];
    for (const left of this.left.values()) {
      for (const c of left.contexts) contexts.push([c.id, left.id, c.right.id, c.activations, c.observed ? 1 : 0, c.lastUsedStep]);
    }
    return {
      left: semis(this.left),
      right: semis(this.right),
      contexts,
      nextSemiId: this.nextSemiId,
      nextContextId: this.nextContextId,
      step: this.step,
    };
  }

  /**
   * Rebuilds a memory from `toState()`, then crosses its left halves with `leftFacts` (the facts the next step
   * follows), which is all the step-to-step state the memory keeps. Throws on data that is not such a state.
   */
  static fromState(raw: unknown, leftFacts: readonly number[], options: ContextMemoryOptions = {}): ContextMemory {
    const state = parseMemoryState(raw);
    const memory = new ContextMemory(options);
    const lefts = new Map<number, LeftSemiContext>();
    const rights = new Map<number, SemiContext>();
    for (const [id, facts] of [...state.left].sort((a, b) => a[0] - b[0])) {
      const semi = memory.leftSemiWithId(id, facts);
      lefts.set(id, semi);
    }
    for (const [id, facts] of [...state.right].sort((a, b) => a[0] - b[0])) rights.set(id, memory.rightSemiWithId(id, facts));
    for (const [id, leftId, rightId, activations, observed, lastUsedStep] of [...state.contexts].sort((a, b) => a[0] - b[0])) {
      const left = lefts.get(leftId);
      const right = rights.get(rightId);
      if (!left || !right) throw new Error(`context ${id} refers to a missing half (${leftId}, ${rightId})`);
      if (left.byRight.has(right.id)) throw new Error(`context ${id} repeats halves (${leftId}, ${rightId})`);
      const context: Context = { id, left, right, activations, observed: observed === 1, lastUsedStep };
      left.byRight.set(right.id, context);
      left.contexts.push(context);
      memory.contextCount++;
    }
    const ids = [...lefts.keys(), ...rights.keys()];
    if (ids.some((id) => id >= state.nextSemiId) || state.contexts.some(([id]) => id >= state.nextContextId)) {
      throw new Error('an id is not below the next id to assign');
    }
    memory.nextSemiId = state.nextSemiId;
    memory.nextContextId = state.nextContextId;
    memory.step = state.step;
    memory.left.cross(leftFacts);
    return memory;
  }

  private leftSemiWithId(id: number, facts: readonly number[]): LeftSemiContext {
    const semi: LeftSemiContext = { id, facts: [...facts], key: keyOf(facts), hash: tupleHash(facts), matched: 0, common: undefined, byRight: new Map(), contexts: [] };
    if (this.left.byKey.has(semi.key)) throw new Error(`left half ${id} repeats facts ${semi.key}`);
    this.left.add(semi);
    return semi;
  }

  private rightSemiWithId(id: number, facts: readonly number[]): SemiContext {
    const semi: SemiContext = { id, facts: [...facts], key: keyOf(facts), hash: tupleHash(facts), matched: 0, common: undefined };
    if (this.right.byKey.has(semi.key)) throw new Error(`right half ${id} repeats facts ${semi.key}`);
    this.right.add(semi);
    return semi;
  }

  private contextOf(left: LeftSemiContext, right: SemiContext): { context: Context; created: boolean } {
    const known = left.byRight.get(right.id);
    if (known) return { context: known, created: false };
    const context: Context = { id: this.nextContextId++, left, right, activations: 0, observed: false, lastUsedStep: this.step };
    left.byRight.set(right.id, context);
    left.contexts.push(context);
    this.contextCount++;
    return { context, created: true };
  }

  private leftSemi(facts: readonly number[], key: string): LeftSemiContext {
    return this.left.byKey.get(key) ?? this.leftSemiWithId(this.nextSemiId++, facts);
  }

  private rightSemi(facts: readonly number[], key: string): SemiContext {
    return this.right.byKey.get(key) ?? this.rightSemiWithId(this.nextSemiId++, facts);
  }

  /**
   * Forgets the least recently used contexts, down to 90% of the cap (so that eviction runs once per many steps
   * rather than at every one), and the semi-contexts no context uses any more.
   */
  private evict(): void {
    const all: Context[] = [];
    for (const left of this.left.values()) all.push(...left.contexts);
    all.sort((a, b) => a.lastUsedStep - b.lastUsedStep || a.id - b.id);
    const target = Math.floor(0.9 * this.maxContexts);
    const gone = new Set(all.slice(0, all.length - target));
    const touched = new Set<LeftSemiContext>();
    for (const c of gone) {
      c.left.byRight.delete(c.right.id);
      touched.add(c.left);
    }
    for (const left of touched) left.contexts = left.contexts.filter((c) => !gone.has(c));
    const goneLeft = new Set<LeftSemiContext>();
    const usedRight = new Set<SemiContext>();
    for (const left of this.left.values()) {
      if (left.contexts.length === 0) goneLeft.add(left);
      for (const c of left.contexts) usedRight.add(c.right);
    }
    this.contextCount -= gone.size;
    this.left.remove(goneLeft);
    this.right.remove(new Set(this.right.values().filter((semi) => !usedRight.has(semi))));
  }
}

/** Checks the shape of a stored memory (references between its parts are checked as it is rebuilt). */
function parseMemoryState(raw: unknown): ContextMemoryState {
  const state = record(raw, 'memory');
  const semis = (key: string): Array<[number, number[]]> =>
    list(state[key], `memory.${key}`).map((entry, i) => {
      const [id, facts] = list(entry, `memory.${key}[${i}]`);
      return [integer(id, `memory.${key}[${i}] id`, 0), factSet(facts, `memory.${key}[${i}] facts`)];
    });
  const contexts = list(state.contexts, 'memory.contexts').map((entry, i): ContextState => {
    const fields = list(entry, `memory.contexts[${i}]`);
    if (fields.length !== 6) throw new Error(`memory.contexts[${i}]: expected 6 fields, got ${fields.length}`);
    const [id, left, right, activations, observed, lastUsedStep] = fields.map((f) => integer(f, `memory.contexts[${i}]`, 0));
    if (observed > 1) throw new Error(`memory.contexts[${i}]: observed must be 0 or 1`);
    return [id, left, right, activations, observed, lastUsedStep];
  });
  return {
    left: semis('left'),
    right: semis('right'),
    contexts,
    nextSemiId: integer(state.nextSemiId, 'memory.nextSemiId', 0),
    nextContextId: integer(state.nextContextId, 'memory.nextContextId', 0),
    step: integer(state.step, 'memory.step', 0),
  };
}
