import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { column, parseTable, readLabelWindows } from '../../bench/nab/corpus.js';
import { detectSeries, fileFacts, readResults } from '../../bench/nab/runner.js';
import { NAB_PROFILES, scoreCorpus } from '../../bench/nab/scorer.js';

const LABELS = readLabelWindows('test/fixtures/nab/labels/combined_windows.json');
const resultsDir = mkdtempSync(join(tmpdir(), 'nab-results-'));
afterAll(() => rmSync(resultsDir, { recursive: true, force: true }));

/** Writes a results file of 1000 rows at 5-minute steps from 2014-04-01 with score 1 at the given rows. */
function writeResult(relativePath: string, firing: number[]): void {
  const start = Date.UTC(2014, 3, 1) / 1000;
  const lines = ['timestamp,value,anomaly_score,label'];
  for (let i = 0; i < 1000; i++) {
    const time = new Date((start + i * 300) * 1000).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(`${time},1.0,${firing.includes(i) ? 1 : 0},0`);
  }
  mkdirSync(join(resultsDir, relativePath, '..'), { recursive: true });
  writeFileSync(join(resultsDir, relativePath), `${lines.join('\n')}\n`);
}

describe('rescoring results in NAB layout', () => {
  test('maps each results file to its labelled data file and scores its anomaly_score column', () => {
    writeResult('artificialNoAnomaly/someDetector_art_noisy.csv', [500]);
    writeResult('artificialNoAnomaly/someDetector_art_flatline.csv', []);
    // NAB's own summaries sit at the detector folder's root and are not per-file results.
    writeFileSync(join(resultsDir, 'someDetector_standard_scores.csv'), 'Detector,Profile,File,Threshold,Score,TP,TN,FP,FN,Total_Count\nsomeDetector,standard,Totals,0.5,0.0,0,0,0,0,0\n');
    const labels = new Map([
      ...LABELS,
      // A labelled window over rows 500–599 of the synthetic noisy file, so that the corpus has one window.
      ['artificialNoAnomaly/art_noisy.csv', [[Date.UTC(2014, 3, 1) / 1000 + 500 * 300, Date.UTC(2014, 3, 1) / 1000 + 599 * 300] as const]],
    ]);
    const corpus = readResults(resultsDir, labels);
    expect(corpus.map((s) => s.name)).toEqual(['artificialNoAnomaly/art_flatline.csv', 'artificialNoAnomaly/art_noisy.csv']);
    // The only detection is at the window's first row: a perfect detector.
    const result = scoreCorpus(corpus, NAB_PROFILES[0]);
    expect(result.threshold).toBe(1);
    expect(result.normalized).toBeCloseTo(100, 10);
  });
});

describe('the detector run', () => {
  test('gives the scores of the offline `odin-detect score` command given NAB\'s facts, row for row', () => {
    const file = 'test/fixtures/nab/data/artificialWithAnomaly/art_daily_jumpsup.csv';
    const table = parseTable(readFileSync(file, 'utf8'), file);
    const values = column(table, 'value', file);
    const facts = fileFacts(values);
    const args = ['score', '--input', file, '--probation-rows', String(facts.probationRows), '--min', String(facts.min), '--max', String(facts.max)];
    const cli = spawnSync(process.execPath, ['bin/odin-detect.js', ...args], { encoding: 'utf8' });
    expect(cli.status).toBe(0);
    const cliScores = cli.stdout.trim().split('\n').slice(1).map((line) => Number(line.split(',')[2]));
    const scores = detectSeries('odin', table.timestamps, values);
    expect(cliScores).toHaveLength(scores.length);
    // The command prints three decimals.
    expect(Math.max(...scores.map((s, i) => Math.abs(s - cliScores[i])))).toBeLessThanOrEqual(0.0005 + 1e-9);
  });
});
