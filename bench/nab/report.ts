/** Plain-text tables of NAB results. */
import { NAB_PROFILES, scoreAtThreshold, scoreCorpus, sweepRows, type ProfileResult, type ScoredSeries } from './scorer.js';

/** A detector's scored corpus, how long it took to produce (when it ran here), and its published full-corpus scores. */
export interface Entry {
  readonly name: string;
  readonly corpus: readonly ScoredSeries[];
  readonly seconds?: number;
  readonly fullCorpus?: readonly number[];
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [row(header, widths), ...rows.map((r) => row(r, widths))].join('\n');
}

/** Per-file raw scores and counts under one profile, at the profile's corpus-wide threshold. */
export function fileTable(result: ProfileResult): string {
  const rows = result.files.map((f) => [f.name, f.score.toFixed(3), String(f.tp), String(f.fp), String(f.fn)]);
  return `profile ${result.profile.name} (threshold ${result.threshold.toFixed(3)})\n${table(['file', 'raw', 'TP', 'FP', 'FN'], rows)}`;
}

/** One line per profile: raw total, the null and perfect baselines, and the normalised score. */
export function profileTable(results: readonly ProfileResult[]): string {
  const rows = results.map((r) => [
    r.profile.name,
    r.threshold.toFixed(3),
    r.raw.toFixed(3),
    r.nullScore.toFixed(3),
    r.perfectScore.toFixed(3),
    r.normalized.toFixed(1),
  ]);
  return table(['profile', 'threshold', 'raw', 'null', 'perfect', 'score'], rows);
}

/** One line per detector: the three profiles' scores here, the standard threshold, run time, full-corpus scores. */
export function comparisonTable(entries: ReadonlyArray<Entry & { readonly results: readonly ProfileResult[] }>): string {
  const rows = entries.map((e) => [
    e.name,
    ...e.results.map((r) => r.normalized.toFixed(1)),
    e.results[0].threshold.toPrecision(4),
    e.seconds === undefined ? 'published' : `${e.seconds.toFixed(1)} s`,
    e.fullCorpus ? e.fullCorpus.map((s) => s.toFixed(1)).join(' / ') : '',
  ]);
  return table(['detector', 'standard', 'low FP', 'low FN', 'threshold', 'run time', 'full corpus (std / low FP / low FN)'], rows);
}

/**
 * Standard-profile score of each category's files at the threshold chosen on all the other files: how well a
 * detector's one threshold carries over to files it was not chosen on.
 */
export function heldOutTable(entries: readonly Entry[]): string {
  const categories = [...new Set(entries[0].corpus.map((s) => category(s.name)))];
  const rows = entries.map((e) => [
    e.name,
    ...categories.map((c) => {
      const rest = e.corpus.filter((s) => category(s.name) !== c);
      const threshold = scoreCorpus(rest, NAB_PROFILES[0]).threshold;
      const held = e.corpus.filter((s) => category(s.name) === c);
      if (held.some((s) => s.windows.length > 0)) return scoreCorpus(held, NAB_PROFILES[0], threshold).normalized.toFixed(1);
      // A category without anomalies has no normalised score: count its false positives instead.
      return `${held.reduce((n, s) => n + scoreAtThreshold(sweepRows(s), NAB_PROFILES[0], threshold).fp, 0)} FP`;
    }),
  ]);
  return `standard profile, each category at the threshold chosen on the others\n${table(['detector', ...categories], rows)}`;
}

function category(name: string): string {
  return name.slice(0, name.indexOf('/'));
}

