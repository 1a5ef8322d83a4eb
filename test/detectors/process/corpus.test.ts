/**
 * The labelled command-line corpus (test/fixtures/cmdlines/, half of the evaluation corpus): recall over the
 * malicious lines and false-positive rate over the benign ones, from the command line alone.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { classifyCommandLine, RuleEngine } from '../../../detectors/process/engine.js';

interface Labelled {
  readonly category: string;
  readonly cmdline: string;
}

function load(name: string): Labelled[] {
  const text = readFileSync(new URL(`../../fixtures/cmdlines/${name}`, import.meta.url), 'utf8');
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Labelled);
}

describe('labelled command-line corpus', () => {
  const engine = new RuleEngine();
  const malicious = load('malicious.jsonl');
  const benign = load('benign.jsonl');

  test('has both halves of the shared corpus', () => {
    expect(malicious.length).toBeGreaterThan(150);
    expect(benign.length).toBeGreaterThan(150);
  });

  test('recall on malicious command lines is at least 0.90', () => {
    const found = malicious.filter((m) => classifyCommandLine(engine, { cmdline: m.cmdline }).category !== null);
    expect(found.length / malicious.length).toBeGreaterThanOrEqual(0.9);
  });

  test('false-positive rate on benign command lines (hard cases included) is at most 0.01', () => {
    const flagged = benign.filter((b) => classifyCommandLine(engine, { cmdline: b.cmdline }).category !== null);
    expect(flagged.length / benign.length).toBeLessThanOrEqual(0.01);
  });

  test('most detections name the labelled category', () => {
    const right = malicious.filter((m) => classifyCommandLine(engine, { cmdline: m.cmdline }).category === m.category);
    expect(right.length / malicious.length).toBeGreaterThanOrEqual(0.8);
  });

  test('no rule throws on any corpus line', () => {
    expect(engine.ruleErrors).toBe(0);
  });
});
