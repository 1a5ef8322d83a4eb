/**
 * Reproduction of NAB's published contextOSE results (test/fixtures/nab/published, MIT) by ODIN's CAD OSE, with
 * the min/max look-ahead NAB gives every detector: the detections at the published threshold, the scores row
 * for row, and the NAB scores of the 18 files.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { listCsvFiles, readLabelWindows } from '../../bench/nab/corpus.js';
import { detectCorpus, readResults } from '../../bench/nab/runner.js';
import { NAB_PROFILES, scoreCorpus, type ScoredSeries } from '../../bench/nab/scorer.js';

const NAB = 'test/fixtures/nab';
const PUBLISHED = join(NAB, 'published/contextOSE');
/** contextOSE's published threshold (standard profile, full corpus). */
const PUBLISHED_THRESHOLD = 0.7655;
const labels = readLabelWindows(join(NAB, 'labels/combined_windows.json'));

let ours: ScoredSeries[];
let theirs: ScoredSeries[];
beforeAll(() => {
  ours = detectCorpus(join(NAB, 'data'), labels, 'cad-ose');
  theirs = readResults(PUBLISHED, labels);
}, 120_000);

describe('CAD OSE against NAB\'s published contextOSE detections', () => {
  test('the published results cover the same 18 files, row for row', () => {
    expect(listCsvFiles(PUBLISHED)).toHaveLength(18);
    expect(theirs.map((s) => s.name)).toEqual(ours.map((s) => s.name));
    theirs.forEach((s, i) => expect(s.timestamps).toEqual(ours[i].timestamps));
  });

  test('at the published threshold, the detections agree on all but a handful of rows', () => {
    let disagreements = 0;
    let published = 0;
    theirs.forEach((s, i) => s.scores.forEach((score, row) => {
      if (score >= PUBLISHED_THRESHOLD) published++;
      if ((score >= PUBLISHED_THRESHOLD) !== (ours[i].scores[row] >= PUBLISHED_THRESHOLD)) disagreements++;
    }));
    expect(published).toBe(50);
    expect(disagreements).toBeLessThanOrEqual(3);
  });

  test('the scores themselves are equal on at least 99% of the rows (ties ranked as the reference ranked them)', () => {
    let rows = 0;
    let equal = 0;
    theirs.forEach((s, i) => s.scores.forEach((score, row) => {
      rows++;
      // The published files print 12 significant digits.
      if (Math.abs(score - ours[i].scores[row]) < 1e-9) equal++;
    }));
    expect(equal / rows).toBeGreaterThan(0.99);
  });

  test('the 18-file NAB scores of the published results and of ours are within 1 point under every profile', () => {
    for (const profile of NAB_PROFILES) {
      const [a, b] = [scoreCorpus(ours, profile).normalized, scoreCorpus(theirs, profile).normalized];
      expect(Math.abs(a - b), profile.name).toBeLessThanOrEqual(1);
    }
  });
});
