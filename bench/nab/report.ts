/** Plain-text tables of NAB results. */
import type { ProfileResult } from './scorer.js';

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
