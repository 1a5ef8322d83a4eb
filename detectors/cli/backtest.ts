/**
 * `odin-detect backtest --prometheus URL --query PROMQL --start T [--end T] [--step S] [--detector gpu|stream]
 * [--csv FILE] [--report FILE.html]`: what a detector would have said about a Prometheus's history. Each series
 * the query returns is replayed through the detector as it runs live (trained on the trailing window, retrained
 * on its schedule, each row scored only from the rows before it), after a warm-up of one training window before
 * --start; the episodes an alert on the score would have fired for are printed with the alerts per day. --csv
 * writes every row, --report one self-contained HTML page with the series, its band and the episodes drawn.
 * Times and durations: see backtest-text.ts. Progress goes to stderr; a bad argument exits 2, a failure 1.
 */
import { parseArgs } from 'node:util';
import { parseGpuSettings } from '../modes/gpu.js';
import { writeFileAtomically } from '../models/store.js';
import { loadConfig } from '../runtime/config.js';
import { HttpPrometheusClient } from '../runtime/prometheus-client.js';
import type { BacktestSettings } from './backtest-detector.js';
import { renderReport } from './backtest-report.js';
import { BACKTEST_DETECTORS, runBacktest, type BacktestDetectorName, type BacktestPlan, type SeriesBacktest } from './backtest-run.js';
import { directionWord, formatDuration, formatTime, parseDuration, parseTime, seriesName } from './backtest-text.js';

const USAGE = `usage: odin-detect backtest --prometheus URL --query PROMQL --start TIME [--end TIME] [--step DURATION]
         [--detector gpu|stream] [--csv FILE] [--report FILE.html] [--config detector.json]
         [--train-interval DURATION] [--train-window DURATION] [--warmup DURATION] [--anomaly-share 0.05]
         [--min-train-rows N] [--retry-untrained DURATION] [--for DURATION] [--timeout DURATION]
  TIME: RFC 3339 with a zone (2026-11-22T20:54:31Z), unix seconds, now, or now-DURATION (now-7d)
  DURATION: seconds or PromQL style (15s, 5m, 1h30m, 7d)`;

/** The AnomalyScoreHigh warning's `for` (lib/prometheus/rules/ml.ts): a shorter run above 90 alerts nobody. */
export const DEFAULT_ALERT_FOR = '10m';
/** Most rows per series a backtest reads (two weeks at 1 s); beyond it the step must grow. */
const MAX_ROWS = 1_209_600;

interface BacktestOptions {
  readonly prometheusUrl: string;
  readonly timeoutSec: number;
  readonly csv?: string;
  readonly report?: string;
  readonly plan: BacktestPlan;
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: BacktestOptions;
  try {
    options = parseOptions(argv, Date.now() / 1000);
  } catch (err) {
    process.stderr.write(`odin-detect backtest: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  try {
    await backtest(options);
    return 0;
  } catch (err) {
    process.stderr.write(`odin-detect backtest: ${(err as Error).message}\n`);
    return 1;
  }
}

async function backtest(options: BacktestOptions): Promise<void> {
  const { plan } = options;
  const prometheus = new HttpPrometheusClient({ url: options.prometheusUrl, timeoutMs: options.timeoutSec * 1000 });
  const progress = (message: string) => process.stderr.write(`${message}\n`);
  const { settings } = plan;
  progress(`backtest of ${plan.query} with the ${plan.detector} detector from ${formatTime(plan.startSec)} to ${formatTime(plan.endSec)} `
    + `every ${formatDuration(plan.stepSec)}, after ${formatDuration(plan.startSec - plan.warmupStartSec)} of warm-up; trained every `
    + `${formatDuration(settings.trainIntervalSec)} on the last ${formatDuration(settings.trainWindowSec)} (model from ${settings.minTrainRows} rows`
    + `${plan.detector === 'gpu' ? `, retried every ${formatDuration(settings.untrainedRetrySec)} until then` : ''}), anomaly share ${settings.anomalyShare}`);
  const results = await runBacktest(prometheus, plan, progress);
  process.stdout.write(summary(results, plan));
  if (options.csv) {
    await writeFileAtomically(options.csv, csv(results));
    progress(`wrote every row to ${options.csv}`);
  }
  if (options.report) {
    await writeFileAtomically(options.report, renderReport(results, plan));
    progress(`wrote the report to ${options.report}`);
  }
}

function parseOptions(argv: readonly string[], nowSec: number): BacktestOptions {
  const text = { type: 'string' } as const;
  const { values } = parseArgs({
    args: [...argv],
    options: {
      prometheus: text, query: text, start: text, end: { ...text, default: 'now' }, step: { ...text, default: '15s' },
      detector: { ...text, default: 'stream' }, csv: text, report: text, config: text,
      'train-interval': text, 'train-window': text, warmup: text, 'anomaly-share': text, 'min-train-rows': text,
      'retry-untrained': text, for: { ...text, default: DEFAULT_ALERT_FOR }, timeout: { ...text, default: '60s' },
    },
  });
  for (const flag of ['prometheus', 'query', 'start'] as const) if (!values[flag]) throw new Error(`--${flag} is required`);
  const prometheusUrl = checkUrl(values.prometheus!);
  const detector = values.detector as BacktestDetectorName;
  if (!BACKTEST_DETECTORS.includes(detector)) throw new Error(`--detector must be one of ${BACKTEST_DETECTORS.join(', ')}, got '${values.detector}'`);
  const startSec = parseTime(values.start!, 'start', nowSec);
  const endSec = parseTime(values.end, 'end', nowSec);
  const stepSec = parseDuration(values.step, 'step');
  if (!(endSec > startSec)) throw new Error(`--end (${formatTime(endSec)}) must be after --start (${formatTime(startSec)})`);
  const settings = trainingSettings(values, detector);
  const warmupSec = values.warmup === undefined ? settings.trainWindowSec : parseDuration(values.warmup, 'warmup', true);
  if ((endSec - startSec + warmupSec) / stepSec > MAX_ROWS) {
    throw new Error(`the range and its warm-up at --step ${formatDuration(stepSec)} are more than ${MAX_ROWS} rows per series; raise --step, shorten the range or --warmup`);
  }
  return {
    prometheusUrl,
    timeoutSec: parseDuration(values.timeout, 'timeout'),
    csv: values.csv,
    report: values.report,
    plan: {
      query: values.query!, detector, settings, startSec, endSec, stepSec,
      warmupStartSec: startSec - warmupSec,
      forSec: parseDuration(values.for, 'for', true),
    },
  };
}

function checkUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--prometheus must be an http(s) URL such as http://localhost:9090, got '${text}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--prometheus must be an http(s) URL such as http://localhost:9090, got '${text}'`);
  return text;
}

/**
 * The detector's training settings: the defaults of the live detector, then detector.json (--config, read as the
 * detector reads it), then the flags.
 */
function trainingSettings(values: Record<string, string | undefined>, detector: BacktestDetectorName): BacktestSettings {
  const config = loadConfig('gpu', values.config ? { ODIN_CONFIG_FILE: values.config } : {});
  const gpu = parseGpuSettings(config.settings);
  const minRows = values['min-train-rows'] === undefined ? undefined : Number(values['min-train-rows']);
  if (minRows !== undefined && !(Number.isInteger(minRows) && minRows >= 2)) throw new Error(`--min-train-rows must be an integer >= 2, got '${values['min-train-rows']}'`);
  const share = values['anomaly-share'] === undefined ? config.anomalyShare : Number(values['anomaly-share']);
  if (!(share > 0 && share < 1)) throw new Error(`--anomaly-share must be in (0, 1), got '${values['anomaly-share']}'`);
  const duration = (flag: string, fallback: number) => (values[flag] === undefined ? fallback : parseDuration(values[flag]!, flag));
  return {
    anomalyShare: share,
    trainIntervalSec: duration('train-interval', config.trainIntervalSec),
    trainWindowSec: duration('train-window', config.trainWindowSec),
    // The streaming scorer's own default is 128 rows; the GPU detector's is its gpu.minTrainRows.
    minTrainRows: minRows ?? (detector === 'gpu' ? gpu.minTrainRows : 128),
    untrainedRetrySec: duration('retry-untrained', gpu.untrainedRetrySec),
  };
}

/** The table printed to stdout: per series the alerting episodes, then the alerts per day. */
function summary(results: readonly SeriesBacktest[], plan: BacktestPlan): string {
  const days = (plan.endSec - plan.startSec) / 86_400;
  const lines: string[] = [];
  for (const r of results) {
    const alerts = r.episodes.filter((e) => e.alerted);
    lines.push(`${seriesName(r.labels)}: ${r.rows.length} rows scored`);
    if (alerts.length > 0) lines.push(`  ${'start'.padEnd(24)} ${'end'.padEnd(24)} ${'duration'.padEnd(10)} ${'peak'.padStart(6)}  direction`);
    for (const e of alerts) {
      lines.push(`  ${formatTime(e.startSec).padEnd(24)} ${formatTime(e.endSec).padEnd(24)} ${formatDuration(e.endSec - e.startSec).padEnd(10)} ${e.peakScore.toFixed(1).padStart(6)}  ${directionWord(e.direction)}`);
    }
    const short = r.episodes.length - alerts.length;
    lines.push(`  ${alerts.length} alert(s) in ${days.toPrecision(3)} days: ${(alerts.length / days).toPrecision(3)} per day`
      + `${short > 0 ? `; ${short} shorter run(s) above 90 (under ${formatDuration(plan.forSec)}) did not alert` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Every scored row: timestamp,value,expected,lower,upper,score and the series (empty band cells when there was none). */
function csv(results: readonly SeriesBacktest[]): string {
  const lines = ['timestamp,value,expected,lower,upper,score,series'];
  for (const r of results) {
    const series = `"${seriesName(r.labels).replace(/"/g, '""')}"`;
    for (const row of r.rows) {
      const band = row.band ? [row.band.expected, row.band.lower, row.band.upper].map(String) : ['', '', ''];
      lines.push([row.timestampSec, row.value, ...band, row.score.toFixed(3), series].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
