/**
 * `odin-detect score --input FILE.csv [--detector gpu [--metric temperature|power]]`: scores recorded data with
 * the detectors' own code and streams CSV to stdout, one line per input row as it is read. A row's score uses
 * only the rows before it. Without --detector the input is `timestamp,value[,more columns]` (header optional; the
 * second column is scored) and ODIN's default streaming detector (scoring/stream-scorer.ts) writes
 * `timestamp,value,score,expected,lower,upper`: the first --probation-rows rows only teach it the value range
 * (score NaN) unless --min and --max give the range. With `--detector gpu` the input is nvidia-smi CSV output such
 * as h100-load-trace.csv, scored as the live GPU detector scores (the value in the context of utilisation), and
 * the output is `timestamp,value,score`. Unreadable rows are skipped and reported on stderr with their line number.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { GPU_METRICS, gpuFeatureRow, UTILIZATION } from '../gpu/gpu-features.js';
import { GpuMetricModel } from '../gpu/gpu-metric-model.js';
import { StreamScorer } from '../scoring/stream-scorer.js';
import { columnName, isHeader, parseTimestamp, splitCells } from './csv.js';

const USAGE = `usage: odin-detect score --input FILE.csv [--probation-rows 750] [--min MIN --max MAX]
       odin-detect score --input FILE.csv --detector gpu [--metric temperature|power]
         [--anomaly-share 0.05] [--retrain-every SEC] [--train-window SEC] [--min-train-rows N]`;

interface ScoreOptions {
  readonly input: string;
  readonly detector: 'generic' | 'gpu';
  readonly metric: string;
  readonly anomalyShare: number;
  readonly retrainEverySec: number;
  readonly trainWindowSec: number;
  readonly minTrainRows: number;
  readonly probationRows: number;
  readonly valueRange: { readonly min: number; readonly max: number } | undefined;
}

/** Scores one parsed row; returns the cells to print after the timestamp. */
type RowScorer = (timestampSec: number, cells: readonly string[]) => string[];

/** Scores one input file: the output header and the row scorer (built from the first line). */
interface FileScorer {
  readonly header: string;
  readonly scoreRow: RowScorer;
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: ScoreOptions;
  try {
    options = parseOptions(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  try {
    return await scoreFile(options);
  } catch (err) {
    process.stderr.write(`odin-detect score: ${(err as Error).message}\n`);
    return 1;
  }
}

function parseOptions(argv: readonly string[]): ScoreOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      input: { type: 'string' },
      detector: { type: 'string', default: 'generic' },
      metric: { type: 'string', default: 'temperature' },
      'anomaly-share': { type: 'string', default: '0.05' },
      'retrain-every': { type: 'string', default: '21600' },
      'train-window': { type: 'string', default: '604800' },
      'min-train-rows': { type: 'string', default: '128' },
      'probation-rows': { type: 'string', default: '750' },
      min: { type: 'string' },
      max: { type: 'string' },
    },
  });
  if (!values.input) throw new Error('--input is required');
  if (values.detector !== 'generic' && values.detector !== 'gpu') throw new Error(`--detector must be gpu (or left out), got '${values.detector}'`);
  if (!GPU_METRICS.some((m) => m.name === values.metric)) throw new Error(`--metric must be one of ${GPU_METRICS.map((m) => m.name).join(', ')}, got '${values.metric}'`);
  const positive = (flag: string, text: string) => {
    const n = Number(text);
    if (!(n > 0)) throw new Error(`--${flag} must be a positive number, got '${text}'`);
    return n;
  };
  return {
    input: values.input,
    detector: values.detector,
    metric: values.metric,
    anomalyShare: positive('anomaly-share', values['anomaly-share']),
    retrainEverySec: positive('retrain-every', values['retrain-every']),
    trainWindowSec: positive('train-window', values['train-window']),
    minTrainRows: positive('min-train-rows', values['min-train-rows']),
    probationRows: positive('probation-rows', values['probation-rows']),
    valueRange: parseRange(values.min, values.max),
  };
}

/** --min and --max: both or neither, finite, min <= max. */
function parseRange(min: string | undefined, max: string | undefined): ScoreOptions['valueRange'] {
  if (min === undefined && max === undefined) return undefined;
  const [lo, hi] = [Number(min), Number(max)];
  if (min === undefined || max === undefined || !Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    throw new Error(`--min and --max go together, as finite numbers with min <= max, got '${min ?? ''}' and '${max ?? ''}'`);
  }
  return { min: lo, max: hi };
}

async function scoreFile(options: ScoreOptions): Promise<number> {
  const lines = createInterface({ input: createReadStream(options.input), crlfDelay: Infinity });
  let scorer: FileScorer | undefined;
  let lineNumber = 0;
  let skipped = 0;
  let scored = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    const cells = splitCells(line);
    if (!scorer) {
      scorer = options.detector === 'gpu' ? gpuScorer(cells, options) : genericScorer(options);
      await write(`${scorer.header}\n`);
      if (isHeader(cells)) continue;
    }
    const timestampSec = parseTimestamp(cells[0]);
    try {
      if (!Number.isFinite(timestampSec)) throw new Error(`timestamp ${JSON.stringify(cells[0])} is not readable`);
      await write(`${[cells[0], ...scorer.scoreRow(timestampSec, cells)].join(',')}\n`);
      scored++;
    } catch (err) {
      skipped++;
      process.stderr.write(`line ${lineNumber} skipped: ${(err as Error).message}\n`);
    }
  }
  if (skipped > 0) process.stderr.write(`${skipped} of ${skipped + scored} rows skipped\n`);
  if (scored === 0) throw new Error(`no row of ${options.input} could be scored`);
  return 0;
}

/** Writes to stdout, waiting when the reader is slower (backpressure). */
function write(text: string): Promise<void> {
  if (process.stdout.write(text)) return Promise.resolve();
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}

function numberCell(cells: readonly string[], index: number, what: string): number {
  const value = Number(cells[index]);
  if (cells[index] === undefined || cells[index] === '' || !Number.isFinite(value)) throw new Error(`${what} ${JSON.stringify(cells[index] ?? null)} is not a number`);
  return value;
}

/** Three decimals; NaN and ±Infinity spelled as such. */
function number3(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : String(x);
}

function genericScorer(options: ScoreOptions): FileScorer {
  const scorer = new StreamScorer({ probationRows: options.probationRows, valueRange: options.valueRange });
  let width: number | undefined;
  const scoreRow: RowScorer = (timestampSec, cells) => {
    width ??= cells.length;
    if (cells.length !== width || width < 2) throw new Error(`expected ${width} columns (timestamp,value[,more]), got ${cells.length}`);
    const { score, expected, lower, upper } = scorer.next(timestampSec, numberCell(cells, 1, 'value'));
    return [cells[1], ...[score, expected, lower, upper].map(number3)];
  };
  return { header: 'timestamp,value,score,expected,lower,upper', scoreRow };
}

/** The live GPU detector's model, replayed: retrained in data time on the window, like GpuMode on Prometheus data. */
function gpuScorer(header: readonly string[], options: ScoreOptions): FileScorer {
  const metric = GPU_METRICS.find((m) => m.name === options.metric)!;
  const names = header.map(columnName);
  const valueColumn = names.indexOf(metric.csvColumn);
  const utilizationColumn = names.indexOf(UTILIZATION.csvColumn);
  if (!isHeader(header) || valueColumn < 0 || utilizationColumn < 0) {
    throw new Error(`--detector gpu needs an nvidia-smi CSV header with ${metric.csvColumn} and ${UTILIZATION.csvColumn}, got ${JSON.stringify(header.join(', '))}`);
  }
  const model = new GpuMetricModel();
  const timestamps: number[] = [];
  const rows: number[][] = [];
  let lastTrainingSec = -Infinity;
  let rowsAtTraining = 0;
  const scoreRow: RowScorer = (timestampSec, cells) => {
    const value = numberCell(cells, valueColumn, metric.csvColumn);
    const row = gpuFeatureRow(value, numberCell(cells, utilizationColumn, UTILIZATION.csvColumn));
    while (timestamps.length > 0 && timestamps[0] < timestampSec - options.trainWindowSec) {
      timestamps.shift();
      rows.shift();
    }
    // The live mode retries training while it has no forest; offline, a doubled history stands in for that retry.
    const due = timestampSec - lastTrainingSec >= options.retrainEverySec || (!model.model && rows.length >= options.minTrainRows) || rows.length >= 2 * rowsAtTraining;
    if (due && rows.length > 0) {
      model.train(timestamps, rows, timestampSec, { anomalyShare: options.anomalyShare, minTrainRows: options.minTrainRows });
      lastTrainingSec = timestampSec;
      rowsAtTraining = rows.length;
    }
    const score = model.score(timestampSec, row) ?? 0;
    timestamps.push(timestampSec);
    rows.push(row);
    return [cells[valueColumn], number3(score)];
  };
  return { header: 'timestamp,value,score', scoreRow };
}
