/**
 * The backtest's HTML report: one self-contained page (inline SVG and CSS, no script, nothing fetched; its
 * Content-Security-Policy forbids fetching) with, per series, the value, the detector's expected band and
 * expected value, the score against the threshold, the episodes shaded, and a table of the episodes.
 */
import { ANOMALY_THRESHOLD } from '../scoring/calibrate.js';
import type { BacktestPlan, BacktestRow, SeriesBacktest } from './backtest-run.js';
import { directionWord, formatDuration, formatTime, seriesName } from './backtest-text.js';

const WIDTH = 1100;
const MARGIN = { left: 80, right: 40, top: 12, bottom: 28 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const VALUE_HEIGHT = 300;
const SCORE_HEIGHT = 140;
export const COLORS = { value: '#1f5fa8', band: '#2ca02c', score: '#c0392b', alert: '#e31a1c', run: '#ff9f1c', grid: '#e4e4e4' } as const;

/** One point of a drawn series: every row when they fit the width, else a bucket of rows per two pixels. */
interface Point {
  readonly t: number;
  readonly valueMin: number;
  readonly valueMax: number;
  readonly score: number;
  readonly lower?: number;
  readonly expected?: number;
  readonly upper?: number;
}

export function renderReport(results: readonly SeriesBacktest[], plan: BacktestPlan): string {
  const days = (plan.endSec - plan.startSec) / 86_400;
  const alerts = results.reduce((n, r) => n + r.episodes.filter((e) => e.alerted).length, 0);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>ODIN backtest: ${escape(plan.query)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: ${WIDTH}px }
h1 { font-size: 20px } h2 { font-size: 16px; margin-top: 32px } code { background: #f4f4f4; padding: 1px 4px }
table { border-collapse: collapse; margin-top: 8px } td, th { padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: left }
.legend span { display: inline-block; margin-right: 18px } .swatch { display: inline-block; width: 14px; height: 10px; margin-right: 4px; vertical-align: middle }
svg text { font: 11px system-ui, sans-serif; fill: #555 }
</style></head><body>
<h1>What the ${plan.detector} detector would have said about <code>${escape(plan.query)}</code></h1>
<p>${formatTime(plan.startSec)} to ${formatTime(plan.endSec)}, every ${formatDuration(plan.stepSec)}, after a warm-up of
${formatDuration(plan.startSec - plan.warmupStartSec)}; trained on the last ${formatDuration(plan.settings.trainWindowSec)} every
${formatDuration(plan.settings.trainIntervalSec)}, calibrated so that ${plan.settings.anomalyShare * 100}% of normal points score above
${ANOMALY_THRESHOLD}. An alert fires when the score stays above ${ANOMALY_THRESHOLD} for ${formatDuration(plan.forSec)}:
<strong>${alerts} alert(s), ${(alerts / days / Math.max(1, results.length)).toPrecision(3)} per day per series</strong>.</p>
<p class="legend"><span><i class="swatch" style="background:${COLORS.value}"></i>value</span><span><i class="swatch" style="background:${COLORS.band};opacity:.3"></i>expected band (score at most ${ANOMALY_THRESHOLD} inside)</span><span><i class="swatch" style="border-top:2px dashed ${COLORS.band}"></i>expected value</span><span><i class="swatch" style="background:${COLORS.score}"></i>score</span><span><i class="swatch" style="background:${COLORS.alert};opacity:.25"></i>alert</span><span><i class="swatch" style="background:${COLORS.run};opacity:.25"></i>shorter run above ${ANOMALY_THRESHOLD}</span></p>
${results.map((r) => seriesSection(r, plan)).join('\n')}
</body></html>
`;
}

function seriesSection(result: SeriesBacktest, plan: BacktestPlan): string {
  const points = downsample(result.rows, plan);
  const x = (t: number) => MARGIN.left + ((t - plan.startSec) / (plan.endSec - plan.startSec)) * PLOT_WIDTH;
  const maxGap = 1.5 * Math.max(plan.stepSec, (plan.endSec - plan.startSec) / (PLOT_WIDTH / 2));
  const shading = (height: number) => result.episodes.map((e) => {
    const left = x(e.startSec);
    const width = Math.max(2, x(e.endSec + plan.stepSec) - left);
    const title = `${formatTime(e.startSec)} to ${formatTime(e.endSec)}, peak ${e.peakScore.toFixed(1)}, ${directionWord(e.direction)}`;
    return `<rect class="${e.alerted ? 'alert' : 'run'}" x="${f(left)}" y="${MARGIN.top}" width="${f(width)}" height="${height}" fill="${e.alerted ? COLORS.alert : COLORS.run}" fill-opacity="${e.alerted ? 0.22 : 0.12}"><title>${escape(title)}</title></rect>`;
  }).join('');
  const [low, high] = valueDomain(points);
  const yValue = (v: number) => MARGIN.top + (1 - (clamp(v, low, high) - low) / (high - low)) * VALUE_HEIGHT;
  const yScore = (s: number) => MARGIN.top + (1 - s / 100) * SCORE_HEIGHT;
  const valueLine = lines(points, maxGap, (p) => [[x(p.t), yValue(p.valueMin)], [x(p.t), yValue(p.valueMax)]]);
  const expectedLine = lines(points.filter((p) => p.expected !== undefined), maxGap, (p) => [[x(p.t), yValue(p.expected!)]]);
  const scoreLine = lines(points, maxGap, (p) => [[x(p.t), yScore(p.score)]]);
  const band = bandArea(points.filter((p) => p.lower !== undefined), maxGap, x, yValue);
  return `<section>
<h2>${escape(seriesName(result.labels))}</h2>
<svg class="series-plot" width="${WIDTH}" height="${VALUE_HEIGHT + MARGIN.top + MARGIN.bottom}" viewBox="0 0 ${WIDTH} ${VALUE_HEIGHT + MARGIN.top + MARGIN.bottom}" role="img" aria-label="value and expected band">
${yAxis(low, high, yValue)}${timeAxis(plan, x, VALUE_HEIGHT)}${shading(VALUE_HEIGHT)}
<path class="band" d="${band}" fill="${COLORS.band}" fill-opacity="0.25" stroke="none"/>
<path class="expected" d="${expectedLine}" fill="none" stroke="${COLORS.band}" stroke-width="1.2" stroke-dasharray="5 4"/>
<path class="value" d="${valueLine}" fill="none" stroke="${COLORS.value}" stroke-width="1.6"/>
</svg>
<svg class="score-plot" width="${WIDTH}" height="${SCORE_HEIGHT + MARGIN.top + MARGIN.bottom}" viewBox="0 0 ${WIDTH} ${SCORE_HEIGHT + MARGIN.top + MARGIN.bottom}" role="img" aria-label="anomaly score">
${yAxis(0, 100, yScore, [0, 50, ANOMALY_THRESHOLD, 100])}${timeAxis(plan, x, SCORE_HEIGHT)}${shading(SCORE_HEIGHT)}
<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${f(yScore(ANOMALY_THRESHOLD))}" y2="${f(yScore(ANOMALY_THRESHOLD))}" stroke="#888" stroke-dasharray="4 3"/>
<path class="score" d="${scoreLine}" fill="none" stroke="${COLORS.score}" stroke-width="1.4"/>
</svg>
${episodeTable(result)}
</section>`;
}

function episodeTable(result: SeriesBacktest): string {
  const alerts = result.episodes.filter((e) => e.alerted);
  const short = result.episodes.length - alerts.length;
  const shortText = short > 0 ? ` ${short} shorter run(s) above ${ANOMALY_THRESHOLD} did not last long enough to alert.` : '';
  if (alerts.length === 0) return `<p>No alert in ${result.rows.length} scored rows.${shortText}</p>`;
  const rows = alerts.map((e) => `<tr><td>${formatTime(e.startSec)}</td><td>${formatTime(e.endSec)}</td><td>${formatDuration(e.endSec - e.startSec)}</td>`
    + `<td>${e.peakScore.toFixed(1)}</td><td>${directionWord(e.direction)}</td></tr>`);
  return `<table class="episodes"><tr><th>alert from</th><th>to</th><th>duration</th><th>peak score</th><th>value against its band</th></tr>${rows.join('')}</table><p>${shortText}</p>`;
}

/** Rows as drawn: all of them when there are at most two per pixel column, else per two-pixel bucket (min/max value, median band, top score). */
function downsample(rows: readonly BacktestRow[], plan: BacktestPlan): Point[] {
  const asPoint = (r: BacktestRow): Point => ({ t: r.timestampSec, valueMin: r.value, valueMax: r.value, score: r.score, ...r.band });
  if (rows.length <= PLOT_WIDTH) return rows.map(asPoint);
  const width = (plan.endSec - plan.startSec) / (PLOT_WIDTH / 2);
  const buckets = new Map<number, BacktestRow[]>();
  for (const r of rows) {
    const key = Math.floor((r.timestampSec - plan.startSec) / width);
    buckets.set(key, [...(buckets.get(key) ?? []), r]);
  }
  return [...buckets.values()].map((bucket) => {
    const banded = bucket.flatMap((r) => (r.band ? [r.band] : []));
    const values = bucket.map((r) => r.value);
    return {
      t: bucket[Math.floor(bucket.length / 2)].timestampSec,
      valueMin: Math.min(...values),
      valueMax: Math.max(...values),
      score: Math.max(...bucket.map((r) => r.score)),
      // The median band, not the widest: a bucket that spans a change of state would otherwise draw the bands
      // of both states as one.
      ...(banded.length === 0 ? {} : {
        lower: middle(banded.map((b) => b.lower)),
        upper: middle(banded.map((b) => b.upper)),
        expected: middle(banded.map((b) => b.expected)),
      }),
    };
  });
}

/**
 * The value axis: the values' range, widened to the band where it is near them (a band edge far beyond every
 * value, or infinite, is cut at the edge of the plot rather than squashing the values into a line).
 */
function valueDomain(points: readonly Point[]): [number, number] {
  const valuesLow = Math.min(...points.map((p) => p.valueMin));
  const valuesHigh = Math.max(...points.map((p) => p.valueMax));
  const span = Math.max(valuesHigh - valuesLow, Math.abs(valuesHigh) * 0.1, 1e-9);
  let [low, high] = [valuesLow, valuesHigh];
  for (const p of points) {
    for (const edge of [p.lower, p.upper, p.expected]) {
      if (edge === undefined || !Number.isFinite(edge)) continue;
      low = Math.min(low, Math.max(edge, valuesLow - span / 2));
      high = Math.max(high, Math.min(edge, valuesHigh + span / 2));
    }
  }
  const pad = Math.max(high - low, 1e-9) * 0.05;
  return [low - pad, high + pad];
}

/** An SVG path through the points, broken where rows are missing. */
function lines(points: readonly Point[], maxGap: number, coordinates: (p: Point) => number[][]): string {
  let d = '';
  let previous: number | undefined;
  for (const p of points) {
    const move = previous === undefined || p.t - previous > maxGap;
    coordinates(p).forEach(([px, py], i) => { d += `${move && i === 0 ? 'M' : 'L'}${f(px)},${f(py)}`; });
    previous = p.t;
  }
  return d;
}

/** The band as closed areas: along the upper edge, back along the lower, one area per unbroken run. */
function bandArea(points: readonly Point[], maxGap: number, x: (t: number) => number, y: (v: number) => number): string {
  const runs: Point[][] = [];
  for (const p of points) {
    const run = runs[runs.length - 1];
    if (run && p.t - run[run.length - 1].t <= maxGap) run.push(p);
    else runs.push([p]);
  }
  return runs.map((run) => {
    const top = run.map((p) => `${f(x(p.t))},${f(y(p.upper!))}`);
    const bottom = run.reverse().map((p) => `${f(x(p.t))},${f(y(p.lower!))}`);
    return `M${top.join('L')}L${bottom.join('L')}Z`;
  }).join('');
}

function yAxis(low: number, high: number, y: (v: number) => number, ticks = niceTicks(low, high)): string {
  return ticks.map((v) => `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="${COLORS.grid}"/>`
    + `<text x="${MARGIN.left - 6}" y="${f(y(v) + 4)}" text-anchor="end">${escape(Number(v.toPrecision(4)).toString())}</text>`).join('');
}

function timeAxis(plan: BacktestPlan, x: (t: number) => number, height: number): string {
  const short = plan.endSec - plan.startSec <= 86_400;
  return Array.from({ length: 6 }, (_, i) => plan.startSec + ((plan.endSec - plan.startSec) * i) / 5).map((t) => {
    const label = formatTime(Math.round(t)).slice(short ? 11 : 5, short ? 19 : 16).replace('T', ' ');
    return `<text x="${f(x(t))}" y="${MARGIN.top + height + 18}" text-anchor="middle">${label}</text>`;
  }).join('') + `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${MARGIN.top + height}" y2="${MARGIN.top + height}" stroke="#999"/>`;
}

/** About five round values spanning [low, high]. */
function niceTicks(low: number, high: number): number[] {
  const raw = (high - low) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(low / step) * step; v <= high; v += step) ticks.push(v);
  return ticks;
}

/** The middle value (infinite bounds included, unlike a median of finite values). */
function middle(values: number[]): number {
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

function clamp(v: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, v));
}

function f(n: number): string {
  return n.toFixed(1);
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
