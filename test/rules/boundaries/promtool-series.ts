/**
 * promtool's notation for input series ('0+10x30', '_ _ 1x5', '1 0 _x3'), read into the model's series. Expanding
 * terms add their step repeatedly, as promtool does, so the values are the same doubles.
 */
import { parsePromql } from './promql-ast.js';
import type { SyntheticSeries } from './promql-model.js';

const TERM = /^(_|-?[\d.]+(?:e[+-]?\d+)?)(?:([+-][\d.]+(?:e[+-]?\d+)?))?(?:x(\d+))?$/i;

/** The values of one series, one per interval from t=0: a number, or undefined for `_`. */
export function promtoolValues(notation: string): Array<number | undefined> {
  return notation.trim().split(/\s+/).flatMap((term) => {
    const match = TERM.exec(term);
    if (!match) throw new Error(`not promtool series notation: '${term}' in '${notation}'`);
    const [, start, step, times] = match;
    // `_xN` is N missing samples; `axN` and `a+bxN` are N+1 values.
    if (start === '_') return Array<undefined>(times === undefined ? 1 : Number(times)).fill(undefined);
    if (times === undefined) return [Number(start)];
    const values: number[] = [];
    for (let i = 0, v = Number(start); i <= Number(times); i++, v += Number(step ?? 0)) values.push(v);
    return values;
  });
}

/** A hand-written case's series (`name{labels}` → notation) sampled every `stepSec`. */
export function promtoolSeries(series: Readonly<Record<string, string>>, stepSec: number): SyntheticSeries[] {
  return Object.entries(series).map(([key, notation]) => {
    const ast = parsePromql(key);
    if (ast.kind !== 'selector') throw new Error(`not a series: ${key}`);
    const labels = { __name__: ast.selector.name, ...Object.fromEntries(ast.selector.matchers.map((m) => [m.label, m.value])) };
    const values = promtoolValues(notation);
    return { labels, startSec: 0, valueAt: (t: number) => values[t / stepSec] };
  });
}
