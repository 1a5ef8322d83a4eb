/** The recorded H100 load trace (test/fixtures/nvidia-smi/h100-load-trace.csv, 2 Hz) and its load schedule, as numbers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { columnName, parseTimestamp, splitCells } from '../../../detectors/cli/csv.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/nvidia-smi');

export interface TraceRow {
  readonly timestampSec: number;
  readonly temperature: number;
  readonly power: number;
  readonly utilization: number;
}

export function h100Trace(): TraceRow[] {
  const [header, ...lines] = readFileSync(join(FIXTURES, 'h100-load-trace.csv'), 'utf8').trim().split('\n');
  const names = splitCells(header).map(columnName);
  const column = (name: string) => names.indexOf(name);
  return lines.map((line) => {
    const cells = splitCells(line);
    return {
      timestampSec: parseTimestamp(cells[0]),
      temperature: Number(cells[column('temperature.gpu')]),
      power: Number(cells[column('power.draw')]),
      utilization: Number(cells[column('utilization.gpu')]),
    };
  });
}

/** The schedule's phase changes: when each phase began (unix seconds) and its name; the last is `end`. */
export function h100Phases(): Array<{ startSec: number; phase: string }> {
  const [, ...lines] = readFileSync(join(FIXTURES, 'h100-load-phases.csv'), 'utf8').trim().split('\n');
  return lines.map((line) => {
    const [time, phase] = line.split(',');
    return { startSec: Number(time), phase };
  });
}
