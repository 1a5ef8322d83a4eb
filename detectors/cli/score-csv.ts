/**
 * `odin-detect score --input FILE.csv [--detector gpu [--metric temperature|power]]`: scores recorded data with
 * the detectors' own code and streams `timestamp,value,score` to stdout, one line per input row as it is read.
 * A row's score uses only the rows before it. Without --detector the input is `timestamp,value[,more columns]`
 * (header optional) scored by the StreamScorer; with `--detector gpu` it is nvidia-smi CSV output such as
 * h100-load-trace.csv, scored as the live GPU detector scores (the value in the context of utilisation).
 * Unreadable rows are skipped and reported on stderr with their line number.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { GPU_METRICS, gpuFeatureRow, UTILIZATION } from '../gpu/gpu-features.js';
import { GpuMetricModel } from '../gpu/gpu-metric-model.js';
import { StreamScorer } from '../scoring/stream-scorer.js';
import { columnName, isHeader, parseTimestamp, splitCells } from './csv.js';

const USAGE = `usage: odin-detect score --input FILE.csv [--detector gpu [--metric temperature|power]]
         [--anomaly-share 0.05] [--retrain-every SEC] [--train-window SEC] [--min-train-rows N]`;

interface ScoreOptions {
  readonly input: string;
  readonly detector: 'generic' | 'gpu';
  readonly metric: string;
  readonly anomalyShare: number;
  readonly retrainEverySec: number;
  readonly trainWindowSec: number;
  readonly minTrainRows: number;
}

/** Scores one parsed row; returns the value column to print and the score. */
type RowScorer = (timestampSec: number, cells: readonly string[]) => { value: string; score: number };

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
  };
}

async function scoreFile(options: ScoreOptions): Promise<number> {
  const lines = createInterface({ input: createReadStream(options.input), crlfDelay: Infinity });
  let scorer: RowScorer | undefined;
  let lineNumber = 0;
  let skipped = 0;
  let scored = 0;
  process.stdout.write('timestamp,value,score\n');
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    const cells = splitCells(line);
    if (!scorer) {
      scorer = options.detector === 'gpu' ? gpuScorer(cells, options) : genericScorer(options);
      if (isHeader(cells)) continue;
    }
    const timestampSec = parseTimestamp(cells[0]);
    try {
      if (!Number.isFinite(timestampSec)) throw new Error(`timestamp ${JSON.stringify(cells[0])} is not readable`);
      const { value, score } = scorer(timestampSec, cells);
      await write(`${cells[0]},${value},${Number.isNaN(score) ? 'NaN' : score.toFixed(3)}\n`);
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

function genericScorer(options: ScoreOptions): RowScorer {
  const scorer = new StreamScorer({ anomalyShare: options.anomalyShare, retrainEverySec: options.retrainEverySec, trainWindowSec: options.trainWindowSec, minTrainRows: options.minTrainRows });
  let width: number | undefined;
  return (timestampSec, cells) => {
    width ??= cells.length;
    if (cells.length !== width || width < 2) throw new Error(`expected ${width} columns (timestamp,value[,more]), got ${cells.length}`);
    const values = cells.slice(1).map((_, i) => numberCell(cells, i + 1, `column ${i + 2}`));
    return { value: cells[1], score: scorer.next(timestampSec, values) };
  };
}

/** The live GPU detector's model, replayed: retrained in data time on the window, like GpuMode on Prometheus data. */
function gpuScorer(header: readonly string[], options: ScoreOptions): RowScorer {
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
  return (timestampSec, cells) => {
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
    return { value: cells[valueColumn], score };
  };
}
