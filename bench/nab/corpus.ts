/**
 * Reading NAB's files: the data CSVs (`timestamp,value`), the label windows (labels/combined_windows.json) and
 * detector results in NAB's layout (`<category>/<detector>_<file>.csv` with `timestamp` and `anomaly_score`).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Label windows per data file, keyed like NAB's labels: `<category>/<file>.csv`. */
export type LabelWindows = ReadonlyMap<string, ReadonlyArray<readonly [number, number]>>;

/** A parsed CSV: unix-second timestamps and the named numeric columns. */
export interface Table {
  readonly timestamps: number[];
  readonly columns: ReadonlyMap<string, number[]>;
}

const NAB_TIME = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.\d+)?$/;

/** NAB's timestamps (`2014-04-10 07:15:00[.000000]`) are UTC wall-clock times; returns unix seconds. */
export function parseNabTime(text: string): number {
  const m = NAB_TIME.exec(text.trim());
  if (!m) throw new Error(`not a NAB timestamp: ${JSON.stringify(text)}`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
}

/** Parses a CSV with a `timestamp` column and numeric other columns (an empty or unparsable cell is NaN). */
export function parseTable(text: string, source: string): Table {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const timeColumn = header.indexOf('timestamp');
  if (timeColumn < 0) throw new Error(`${source}: no 'timestamp' column in header ${JSON.stringify(header)}`);
  const columns = new Map(header.map((name) => [name, [] as number[]]));
  const timestamps: number[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    timestamps.push(parseNabTime(cells[timeColumn]));
    header.forEach((name, j) => columns.get(name)!.push(j === timeColumn ? NaN : Number.parseFloat(cells[j])));
  }
  return { timestamps, columns };
}

/** A numeric column of a table, or an error naming the file and the column. */
export function column(table: Table, name: string, source: string): number[] {
  const values = table.columns.get(name);
  if (!values) throw new Error(`${source}: no '${name}' column`);
  return values;
}

/** Reads labels/combined_windows.json: file -> [[start, end], ...] with NAB timestamps. */
export function readLabelWindows(path: string): LabelWindows {
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${path}: expected an object of file -> windows`);
  const windows = new Map<string, Array<readonly [number, number]>>();
  for (const [file, list] of Object.entries(raw)) {
    if (!Array.isArray(list)) throw new Error(`${path}: windows of ${file} are not a list`);
    windows.set(file, list.map((w: unknown) => parseWindow(w, `${path}: ${file}`)));
  }
  return windows;
}

function parseWindow(window: unknown, where: string): readonly [number, number] {
  if (!Array.isArray(window) || window.length !== 2 || !window.every((t) => typeof t === 'string')) {
    throw new Error(`${where}: a window must be [start, end] timestamps, got ${JSON.stringify(window)}`);
  }
  const [start, end] = window.map(parseNabTime);
  if (end < start) throw new Error(`${where}: window ends before it starts: ${JSON.stringify(window)}`);
  return [start, end];
}

/** CSV files under a folder, as NAB keys (`<category>/<file>.csv`, forward slashes), sorted. */
export function listCsvFiles(dir: string): string[] {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.csv'))
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/** The label windows of a data file; a file the labels do not know is an error, not silently unscored. */
export function windowsOf(labels: LabelWindows, key: string): ReadonlyArray<readonly [number, number]> {
  const windows = labels.get(key);
  if (!windows) throw new Error(`no label windows for ${key} in the labels file`);
  return windows;
}

/**
 * Maps a results file (`<category>/<detector>_<file>.csv`) to its data file's key (`<category>/<file>.csv`): the
 * key whose file name ends the results file name after an underscore.
 */
export function dataKeyOfResult(resultKey: string, labels: LabelWindows): string {
  const slash = resultKey.lastIndexOf('/');
  const category = resultKey.slice(0, slash);
  const fileName = resultKey.slice(slash + 1);
  const matches = [...labels.keys()].filter((key) => {
    const [keyCategory, keyFile] = [key.slice(0, key.lastIndexOf('/')), key.slice(key.lastIndexOf('/') + 1)];
    return keyCategory === category && fileName.endsWith(`_${keyFile}`);
  });
  // The longest match wins: `x_art_noisy.csv` must not be taken for `noisy.csv`.
  matches.sort((a, b) => b.length - a.length);
  if (matches.length === 0) throw new Error(`results file ${resultKey} matches no labelled data file`);
  return matches[0];
}
