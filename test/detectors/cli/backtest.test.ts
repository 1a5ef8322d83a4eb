/**
 * `odin-detect backtest` against Debian's Prometheus serving the recorded H100 load trace (2 Hz, a schedule of
 * idle, moderate load, full load and bursts) from TSDB blocks that promtool built from it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_ALERT_FOR } from '../../../detectors/cli/backtest.js';
import { COLORS, renderReport } from '../../../detectors/cli/backtest-report.js';
import { findEpisodes, runBacktest, type BacktestPlan, type BacktestRow } from '../../../detectors/cli/backtest-run.js';
import { parseDuration, parseTime } from '../../../detectors/cli/backtest-text.js';
import { HttpPrometheusClient, MAX_POINTS_PER_SERIES } from '../../../detectors/runtime/prometheus-client.js';
import type { PrometheusClient } from '../../../detectors/runtime/mode.js';
import { mlRules } from '../../../lib/prometheus/rules/ml.js';
import { renderPage } from '../../browser/chromium.js';
import { countColor } from '../../browser/png.js';
import { REFUSED_PORT, type TestPrometheus } from '../helpers/prometheus.js';
import { h100Phases, h100Trace } from '../helpers/h100-trace.js';
import { odinDetect } from '../helpers/odin-detect-cli.js';
import { openMetricsText, prometheusServing } from '../helpers/tsdb-blocks.js';

const GPU = { gpu: '0', uuid: 'GPU-43a7f799-2500-c36a-0b00-3ac474b70b28', name: 'NVIDIA H100 80GB HBM3', job: 'gpu-exporter', instance: 'gpu-box:9402' };
const trace = h100Trace();
const START = Math.ceil(trace[0].timestampSec);
const END = Math.floor(trace.at(-1)!.timestampSec);
/**
 * The detector's schedule scaled to a 9-minute trace: retrained every 30 s on the last 10 minutes, a forest from
 * 20 s of rows, an alert after 5 s above 90. The live defaults (6 h, 7 days, 120 rows at 15 s, 10 minutes) are
 * the same schedule for a week of history.
 */
const SCHEDULE = ['--step', '1s', '--train-interval', '30s', '--train-window', '10m', '--warmup', '0s', '--min-train-rows', '40', '--retry-untrained', '5s', '--for', '5s'];
const dir = mkdtempSync(join(tmpdir(), 'odin-backtest-'));
let prometheus: TestPrometheus;

beforeAll(async () => {
  const samples = (read: (r: (typeof trace)[number]) => number) => trace.map((r) => ({ labels: GPU, value: read(r), timestampSec: r.timestampSec }));
  prometheus = await prometheusServing(openMetricsText(new Map([
    ['nvidia_gpu_power_draw_watts', samples((r) => r.power)],
    ['nvidia_gpu_temperature_celsius', samples((r) => r.temperature)],
    ['nvidia_gpu_utilization_gpu', samples((r) => r.utilization)],
  ])));
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const backtest = (...args: string[]) => odinDetect(['backtest', '--prometheus', prometheus.url, '--start', String(START), '--end', String(END), ...SCHEDULE, ...args]);

interface CsvRow { timestamp: number; value: number; expected: number; lower: number; upper: number; score: number; series: string }

function readCsv(path: string): CsvRow[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  expect(header).toBe('timestamp,value,expected,lower,upper,score,series');
  return lines.map((line) => {
    const [timestamp, value, expected, lower, upper, score] = line.split(',').map((cell) => (cell === '' ? NaN : Number(cell)));
    return { timestamp, value, expected, lower, upper, score, series: line.slice(line.indexOf('"')) };
  });
}

/** Alerted episodes from the printed table: [start, end] in unix seconds and the direction word. */
function printedAlerts(stdout: string): Array<{ start: number; end: number; direction: string }> {
  return [...stdout.matchAll(/^ {2}(\S+Z) +(\S+Z) +\S+ +[\d.]+ {2}(\S+)/gm)].map(([, start, end, direction]) => ({ start: Date.parse(start) / 1000, end: Date.parse(end) / 1000, direction }));
}

describe('odin-detect backtest on the H100 trace in a real Prometheus', () => {
  test('the GPU detector alerts at the phase changes to new load levels and stays quiet within steady phases', async () => {
    const csvPath = join(dir, 'power.csv');
    const { code, stdout, stderr } = await backtest('--query', 'nvidia_gpu_power_draw_watts', '--detector', 'gpu', '--csv', csvPath);
    expect(code, stderr).toBe(0);
    const alerts = printedAlerts(stdout);
    const phases = h100Phases();
    const boundaries = phases.map((p) => p.startSec);
    // Every alert starts within 5 s after a phase change: none inside a steady phase.
    for (const alert of alerts) {
      const since = Math.min(...boundaries.map((b) => (alert.start >= b - 1 ? alert.start - b : Infinity)));
      expect(since, `alert at ${new Date(alert.start * 1000).toISOString()}`).toBeLessThanOrEqual(5);
    }
    // The first moderate and the first full load, levels never seen before, are both found, with the power above its band.
    for (const name of ['moderate_load', 'full_load']) {
      const change = phases.find((p) => p.phase === name)!.startSec;
      expect(alerts.some((a) => a.start >= change - 1 && a.start <= change + 5 && a.direction === 'above'), name).toBe(true);
    }
    // The later bursts return to a known full-load level: no alert for them.
    const bursts = phases.filter((p) => p.phase === 'burst').map((p) => p.startSec);
    expect(alerts.filter((a) => a.start >= bursts[1] - 1)).toEqual([]);
    expect(stdout).toMatch(/\d+ alert\(s\) in 0\.00624 days: [\d.]+ per day/);

    // The CSV has every scored row, and its band agrees with its score: inside the band at most 90, outside above.
    const rows = readCsv(csvPath);
    expect(rows.length).toBeGreaterThan(500);
    const banded = rows.filter((r) => Number.isFinite(r.lower));
    expect(banded.length).toBeGreaterThan(rows.length * 0.9);
    for (const r of banded) {
      const inside = r.value >= r.lower && r.value <= r.upper;
      if (r.value !== r.upper) expect(inside, `${r.timestamp}: ${r.value} in [${r.lower}, ${r.upper}] scored ${r.score}`).toBe(r.score <= 90);
      expect(r.lower <= r.expected && r.expected <= r.upper).toBe(true);
    }
  });

  test('the HTML report opens in headless Chromium with nothing fetched: the series, its band and the alerts are drawn, no console error', async () => {
    const report = join(dir, 'report.html');
    const { code, stdout } = await backtest('--query', 'nvidia_gpu_power_draw_watts', '--detector', 'gpu', '--report', report);
    expect(code).toBe(0);
    const html = readFileSync(report, 'utf8');
    expect(html).not.toMatch(/\b(src|href)=|<script|@import|url\(/);
    const page = await renderPage(report, 1200, 1100);
    expect(page.console).toEqual([]);
    // The drawing is in the DOM: a band area, the value and score lines, one shaded rectangle per alert.
    const pathLength = (name: string) => new RegExp(`<path class="${name}" d="([^"]*)"`).exec(page.dom)?.[1].length ?? 0;
    for (const name of ['band', 'expected', 'value', 'score']) expect(pathLength(name), name).toBeGreaterThan(1000);
    expect([...page.dom.matchAll(/<rect class="alert"/g)].length).toBe(2 * printedAlerts(stdout).length);
    // And on the screen: pixels of the band's fill, the value's line and the alerts' shading over the white page.
    const over = (hex: string, opacity: number) => [1, 3, 5].map((i) => Math.round(255 - opacity * (255 - parseInt(hex.slice(i, i + 2), 16)))) as [number, number, number];
    expect(countColor(page.screenshot, over(COLORS.band, 0.25), 3)).toBeGreaterThan(3000);
    expect(countColor(page.screenshot, over(COLORS.value, 1), 40)).toBeGreaterThan(500);
    expect(countColor(page.screenshot, over(COLORS.alert, 0.22), 3)).toBeGreaterThan(3000);
    expect(countColor(page.screenshot, over(COLORS.score, 1), 40)).toBeGreaterThan(300);
  });

  test('the Chromium check sees console errors and missing drawings, so the test above can fail', async () => {
    const broken = join(dir, 'broken.html');
    writeFileSync(broken, '<!doctype html><html><body><p>no plot</p><script>notDefined();</script></body></html>');
    const page = await renderPage(broken, 400, 300);
    expect(page.console.join('\n')).toMatch(/notDefined is not defined/);
    expect(countColor(page.screenshot, [202, 229, 202], 3)).toBe(0);
  });

  test('the streaming detector plugs in through the same interface and writes a band for every row it has one for', async () => {
    const csvPath = join(dir, 'stream.csv');
    const { code, stderr } = await backtest('--query', 'nvidia_gpu_temperature_celsius', '--detector', 'stream', '--csv', csvPath);
    expect(code, stderr).toBe(0);
    const rows = readCsv(csvPath);
    expect(rows.length).toBeGreaterThan(500);
    expect(rows.filter((r) => Number.isFinite(r.upper)).length).toBeGreaterThan(rows.length * 0.9);
  });

  test('several series: each is replayed on its own', async () => {
    const csvPath = join(dir, 'two.csv');
    const { code, stdout } = await backtest('--query', '{__name__=~"nvidia_gpu_power_draw_watts|nvidia_gpu_temperature_celsius"}', '--csv', csvPath);
    expect(code).toBe(0);
    expect(stdout).toContain('nvidia_gpu_power_draw_watts{');
    expect(stdout).toContain('nvidia_gpu_temperature_celsius{');
    const series = new Set(readCsv(csvPath).map((r) => r.series.slice(0, 40)));
    expect(series.size).toBe(2);
  });

  test('reads a range longer than 11,000 points per series in chunks, and says so on stderr', async () => {
    const requests: Array<[number, number, number]> = [];
    const client = new HttpPrometheusClient({ url: prometheus.url });
    const counting: PrometheusClient = {
      query: (...args) => client.query(...args),
      queryRange: (expr, start, end, step, signal) => {
        requests.push([start, end, step]);
        return client.queryRange(expr, start, end, step, signal);
      },
    };
    const progress: string[] = [];
    const plan: BacktestPlan = {
      query: 'nvidia_gpu_power_draw_watts', detector: 'stream', startSec: START, endSec: END, warmupStartSec: START, stepSec: 0.04, forSec: 5,
      settings: { anomalyShare: 0.05, trainIntervalSec: 30, trainWindowSec: 600, minTrainRows: 40, untrainedRetrySec: 5 },
    };
    const [result] = await runBacktest(counting, plan, (m) => progress.push(m));
    expect(requests.length).toBeGreaterThan(1);
    for (const [start, end, step] of requests) expect(Math.round((end - start) / step) + 1).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
    expect(result.rows.length).toBeGreaterThan(MAX_POINTS_PER_SERIES);
    expect(progress).toContainEqual(expect.stringMatching(/chunk 2 of \d+/));
    // The report draws this many rows per two pixels, bucketed: still a band, a value and a score, nothing undefined.
    const html = renderReport([result], plan);
    expect(html).not.toMatch(/NaN|undefined|Infinity/);
    expect(/<path class="band" d="M[^"]{1000,}"/.test(html)).toBe(true);
  });

  test('trains as detector.json says (--config, read as the detector reads it), flags winning', async () => {
    const config = join(dir, 'detector.json');
    writeFileSync(config, JSON.stringify({ trainIntervalSec: 45, trainWindowSec: 300, anomalyShare: 0.02, gpu: { minTrainRows: 50, untrainedRetrySec: 7 } }));
    const args = ['backtest', '--prometheus', prometheus.url, '--start', String(START), '--end', String(START + 60), '--query', 'nvidia_gpu_power_draw_watts', '--detector', 'gpu'];
    const configured = await odinDetect([...args, '--config', config, '--train-window', '4m']);
    expect(configured.code, configured.stderr).toBe(0);
    expect(configured.stderr).toContain('trained every 45s on the last 4m (model from 50 rows, retried every 7s until then), anomaly share 0.02');
    writeFileSync(config, JSON.stringify({ trainIntervalSecs: 45 }));
    const typo = await odinDetect([...args, '--config', config]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown key 'trainIntervalSecs'/);
  });

  test('a bad URL, an unreachable Prometheus, a bad query, a bad range and an empty answer each fail clearly', async () => {
    const base = ['backtest', '--query', 'nvidia_gpu_power_draw_watts', '--start', String(START), '--end', String(END)];
    const badUrl = await odinDetect([...base, '--prometheus', 'prometheus:9090']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/--prometheus must be an http\(s\) URL/);
    const unreachable = await odinDetect([...base, '--prometheus', `http://127.0.0.1:${REFUSED_PORT}`]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/unreachable/);
    const badQuery = await backtest('--query', 'rate(nvidia_gpu_power_draw_watts');
    expect(badQuery.code).toBe(1);
    expect(badQuery.stderr).toMatch(/refused the query \(bad_data\)/);
    const backwards = await odinDetect(['backtest', '--prometheus', prometheus.url, '--query', 'up', '--start', 'now', '--end', 'now-1h']);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toMatch(/--end .* must be after --start/);
    const badTime = await odinDetect(['backtest', '--prometheus', prometheus.url, '--query', 'up', '--start', 'yesterday']);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toMatch(/--start must be an RFC 3339 time/);
    const empty = await backtest('--query', 'nvidia_gpu_power_draw_watts{gpu="7"}');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/returned no series/);
    const noUuid = await backtest('--query', 'sum(nvidia_gpu_power_draw_watts)', '--detector', 'gpu');
    expect(noUuid.code).toBe(1);
    expect(noUuid.stderr).toMatch(/uuid label/);
  });
});

describe('backtest parts', () => {
  test('times: RFC 3339 with a zone, unix seconds, now and now-<duration>; anything else names the flag', () => {
    const now = 1_800_000_000;
    expect(parseTime('2026-11-22T20:54:31Z', 'start', now)).toBe(1_795_380_871);
    expect(parseTime('2026-11-22T21:54:31.5+01:00', 'start', now)).toBe(1_795_380_871.5);
    expect(parseTime('1795380871', 'start', now)).toBe(1_795_380_871);
    expect(parseTime('now', 'end', now)).toBe(now);
    expect(parseTime('now-7d', 'start', now)).toBe(now - 7 * 86_400);
    expect(parseTime('now-1h30m', 'start', now)).toBe(now - 5400);
    expect(() => parseTime('2026-11-22T20:54:31', 'start', now)).toThrow(/--start must be an RFC 3339 time with a zone/);
    expect(() => parseTime('now+1d', 'end', now)).toThrow(/--end/);
    expect(parseDuration('15', 'step')).toBe(15);
    expect(parseDuration('0.5s', 'step')).toBe(0.5);
    expect(() => parseDuration('0s', 'step')).toThrow(/--step must be longer than 0/);
    expect(parseDuration('0s', 'for', true)).toBe(0);
    expect(() => parseDuration('5 minutes', 'for')).toThrow(/--for must be a duration/);
  });

  test('episodes: runs above 90 end at a missing row, and alert when they last the rule\'s for', () => {
    const row = (timestampSec: number, score: number): BacktestRow => ({ timestampSec, value: score, score, band: { lower: 0, expected: 50, upper: 90 } });
    const rows = [row(0, 10), row(15, 95), row(30, 96), row(45, 99), row(60, 10), row(75, 95), row(90, 97), row(150, 98), row(165, 20)];
    expect(findEpisodes(rows, 15, 30)).toEqual([
      { startSec: 15, endSec: 45, peakScore: 99, direction: 1, alerted: true },
      { startSec: 75, endSec: 90, peakScore: 97, direction: 1, alerted: false },
      { startSec: 150, endSec: 150, peakScore: 98, direction: 1, alerted: false },
    ]);
  });

  test('the default --for is the AnomalyScoreHigh warning\'s, so a backtest counts the alerts users would get', () => {
    const warning = mlRules.rules.find((r) => 'alert' in r && r.alert === 'AnomalyScoreHigh' && r.labels.severity === 'warning');
    expect(warning && 'for' in warning ? warning.for : undefined).toBe(DEFAULT_ALERT_FOR);
  });
});
