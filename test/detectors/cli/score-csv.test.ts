import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { EARLY_ROWS } from '../../../detectors/scoring/stream-scorer.js';

const REPO = join(import.meta.dirname, '../../..');
const TRACE = join(REPO, 'test/fixtures/nvidia-smi/h100-load-trace.csv');
const dir = mkdtempSync(join(tmpdir(), 'odin-score-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real command line: bin/odin-detect.js as `npx odin-detect` would. */
async function odinDetect(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(REPO, 'bin/odin-detect.js'), ...args], { cwd: REPO, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function parseOutput(stdout: string, header = 'timestamp,value,score'): Array<{ timestamp: string; value: number; score: number; expected?: number; lower?: number; upper?: number }> {
  const [first, ...lines] = stdout.trim().split('\n');
  expect(first).toBe(header);
  return lines.map((line) => {
    const [timestamp, value, score, expected, lower, upper] = line.split(',');
    const band = expected === undefined ? {} : { expected: Number(expected), lower: Number(lower), upper: Number(upper) };
    return { timestamp, value: Number(value), score: Number(score), ...band };
  });
}

const GENERIC_HEADER = 'timestamp,value,score,expected,lower,upper';

/** The load schedule of the trace (h100-load-phases.csv): phase names with their start and end in unix seconds. */
function phases(): Array<{ name: string; start: number; end: number }> {
  const rows = readFileSync(join(REPO, 'test/fixtures/nvidia-smi/h100-load-phases.csv'), 'utf8').trim().split('\n').slice(1).map((r) => r.split(','));
  return rows.slice(0, -1).map(([start, name], i) => ({ name, start: Number(start), end: Number(rows[i + 1][0]) }));
}

const unixOf = (stamp: string) => Date.parse(`${stamp.replace(/\//g, '-').replace(' ', 'T')}Z`) / 1000;

describe('odin-detect score --detector gpu on the real H100 trace', () => {
  test('scores every row; the first full load is an anomaly, the idle start is not', async () => {
    const { code, stdout } = await odinDetect(['score', '--input', TRACE, '--detector', 'gpu', '--metric', 'power']);
    expect(code).toBe(0);
    const rows = parseOutput(stdout);
    expect(rows).toHaveLength(readFileSync(TRACE, 'utf8').trim().split('\n').length - 1);
    expect(rows.every((r) => r.score >= 0 && r.score <= 100)).toBe(true);
    const schedule = phases();
    const fullLoad = schedule.findIndex((p) => p.name === 'full_load');
    const inPhase = (index: number, skipSec = 0) => rows.filter((r) => unixOf(r.timestamp) >= schedule[index].start + skipSec && unixOf(r.timestamp) < schedule[index].end);
    // Never seen before: the first seconds of the first full load.
    const firstFullLoad = inPhase(fullLoad, 5).slice(0, 20);
    expect(Math.min(...firstFullLoad.map((r) => r.score))).toBeGreaterThan(90);
    // Idle again after it, a state the history knows: few rows above the threshold.
    const idleAfter = inPhase(fullLoad + 1, 10);
    expect(schedule[fullLoad + 1].name).toBe('idle');
    expect(idleAfter.length).toBeGreaterThan(50);
    expect(idleAfter.filter((r) => r.score > 90).length / idleAfter.length).toBeLessThan(0.1);
  });

  test('a row is scored from earlier rows only: a truncated file gives the same scores', async () => {
    const lines = readFileSync(TRACE, 'utf8').trim().split('\n');
    const half = join(dir, 'half.csv');
    writeFileSync(half, `${lines.slice(0, 500).join('\n')}\n`);
    const whole = parseOutput((await odinDetect(['score', '--input', TRACE, '--detector', 'gpu'])).stdout);
    const part = parseOutput((await odinDetect(['score', '--input', half, '--detector', 'gpu'])).stdout);
    expect(part).toEqual(whole.slice(0, 499));
  });
});

describe('odin-detect score on timestamp,value files', () => {
  test('streams timestamp,value,score,expected,lower,upper and skips unreadable rows with their line number', async () => {
    const input = join(dir, 'series.csv');
    const rows = Array.from({ length: 300 }, (_, i) => `${1_700_000_000 + i * 300},${i === 250 ? 500 : 10 + (i % 7)}`);
    writeFileSync(input, ['timestamp,value', ...rows.slice(0, 100), 'garbage,1', ...rows.slice(100)].join('\n'));
    const { code, stdout, stderr } = await odinDetect(['score', '--input', input, '--probation-rows', '100']);
    expect(code).toBe(0);
    const out = parseOutput(stdout, GENERIC_HEADER);
    expect(out).toHaveLength(300);
    // The probation rows teach the range: the first EARLY_ROWS are not scored, then the robust fallback scores them.
    expect(out.slice(0, EARLY_ROWS).every((r) => Number.isNaN(r.score))).toBe(true);
    expect(out.slice(EARLY_ROWS, 99).every((r) => r.score >= 0 && r.score <= 90 && r.lower! <= r.value && r.value <= r.upper!)).toBe(true);
    expect(out[250].score).toBeGreaterThan(90);
    expect(out[250].value).toBeGreaterThan(out[250].upper!);
    expect(out.slice(100, 250).filter((r) => r.score > 90)).toHaveLength(0);
    expect(out.slice(100).every((r) => r.lower! <= r.expected! && r.expected! <= r.upper!)).toBe(true);
    expect(stderr).toContain('line 102 skipped: timestamp "garbage" is not readable');
  });

  test('--min and --max give the range in advance (NAB\'s look-ahead): every row is scored', async () => {
    const input = join(dir, 'known-range.csv');
    writeFileSync(input, Array.from({ length: 50 }, (_, i) => `${1_700_000_000 + i * 60},${i % 5}`).join('\n'));
    const { code, stdout } = await odinDetect(['score', '--input', input, '--probation-rows', '20', '--min', '0', '--max', '4']);
    expect(code).toBe(0);
    expect(parseOutput(stdout, GENERIC_HEADER).every((r) => Number.isFinite(r.score))).toBe(true);
    expect(await odinDetect(['score', '--input', input, '--min', '0'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--min and --max go together') });
  });

  test('fails clearly on bad usage and unreadable input', async () => {
    expect(await odinDetect(['score'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--input is required') });
    expect(await odinDetect(['score', '--input', TRACE, '--detector', 'disk'])).toMatchObject({ code: 2, stderr: expect.stringContaining("--detector must be gpu") });
    expect(await odinDetect(['score', '--input', join(dir, 'missing.csv')])).toMatchObject({ code: 1, stderr: expect.stringContaining('ENOENT') });
    const nab = join(dir, 'nab.csv');
    writeFileSync(nab, 'timestamp,value\n2014-04-01 00:00:00,1\n');
    expect(await odinDetect(['score', '--input', nab, '--detector', 'gpu'])).toMatchObject({ code: 1, stderr: expect.stringContaining('needs an nvidia-smi CSV header') });
    expect(await odinDetect(['frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'frobnicate'") });
    // Names every object inherits are not commands either.
    expect(await odinDetect(['toString'])).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'toString'") });
  });
});
