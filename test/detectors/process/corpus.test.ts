/**
 * The labelled command-line corpora in test/fixtures/cmdlines/, from the command line alone: the public-source half
 * (GTFOBins, Atomic Red Team, PayloadsAllTheThings, Falco, Sigma; the other half is held out), the team's own
 * cases and later sampled draws from the same sources, each scored apart; the first two also together. Recall over
 * malicious lines, false-positive rate over benign ones (a finding of any severity counts, as in `odin-detect
 * classify`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { classifyCommandLine, RuleEngine } from '../../../detectors/process/engine.js';

interface Labelled {
  readonly category: string;
  readonly cmdline: string;
  readonly technique?: string;
  readonly draw?: string;
}

function load(name: string): Labelled[] {
  const text = readFileSync(new URL(`../../fixtures/cmdlines/${name}`, import.meta.url), 'utf8');
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Labelled);
}

function draws(name: string, ...which: string[]): Labelled[] {
  return load(name).filter((l) => which.includes(l.draw ?? ''));
}

const engine = new RuleEngine();
const found = (lines: readonly Labelled[]): Labelled[] => lines.filter((l) => classifyCommandLine(engine, { cmdline: l.cmdline }).category !== null);
const rate = (part: readonly unknown[], whole: readonly unknown[]): number => part.length / whole.length;

/** Draws made blind to the rules, in the held-out set's shape (see the fixtures' README). */
const BLIND_DRAWS = ['fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth', 'thirteenth'];
const FIFTH_PASS_DRAWS = ['fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth', 'twenty-first', 'twenty-second', 'twenty-third'];
/** The fifth pass's last two waves, each scored on rules no line of it had shaped, then read and fixed. */
const LAST_WAVES = ['twenty-fourth', 'twenty-fifth', 'twenty-sixth', 'twenty-seventh', 'twenty-eighth', 'twenty-ninth', 'thirtieth', 'thirty-first'];
/**
 * The wave that measured the final rules. Its benign lines include admin work that is a technique, reported by design
 * (a setuid helper, a SYS_ADMIN capability, a reverse SSH forward to a bastion, a devcontainer's NOPASSWD sudoers), so its
 * false-positive floor is 0.012.
 */
const FINAL_WAVE = ['thirty-second', 'thirty-third', 'thirty-fourth', 'thirty-fifth'];

const SETS = {
  'public-source half': { malicious: load('malicious.jsonl'), benign: load('benign.jsonl'), recall: 0.92, falsePositives: 0.01 },
  "the team's own cases": { malicious: load('odin-malicious.jsonl'), benign: load('odin-benign.jsonl'), recall: 0.97, falsePositives: 0.01 },
  // Later draws from the same sources; the rules were fixed after reading each, so these are regression floors.
  'sampled draws': { malicious: draws('sampled-malicious.jsonl', 'first', 'second'), benign: draws('sampled-benign.jsonl', 'first', 'second'), recall: 0.9, falsePositives: 0.01 },
  // Measured at 0.773 before the fixes it led to (on lines nobody had tuned to), 0.850 after.
  'fourth sampled draw': { malicious: draws('sampled-malicious.jsonl', 'fourth'), benign: draws('sampled-benign.jsonl', 'fourth'), recall: 0.85, falsePositives: 0.01 },
  // Made blind to the rules in the held-out set's proportions; each measured before its misses were read (see README).
  'fifth to thirteenth draws': { malicious: draws('sampled-malicious.jsonl', ...BLIND_DRAWS), benign: draws('sampled-benign.jsonl', ...BLIND_DRAWS), recall: 0.88, falsePositives: 0.01 },
  // The fifth pass's draws, briefed to follow the public half's source mix (140 composed benign lines of 225).
  'fourteenth to twenty-third draws': { malicious: draws('sampled-malicious.jsonl', ...FIFTH_PASS_DRAWS), benign: draws('sampled-benign.jsonl', ...FIFTH_PASS_DRAWS), recall: 0.88, falsePositives: 0.01 },
  'twenty-fourth to thirty-first draws': { malicious: draws('sampled-malicious.jsonl', ...LAST_WAVES), benign: draws('sampled-benign.jsonl', ...LAST_WAVES), recall: 0.88, falsePositives: 0.01 },
  'thirty-second to thirty-fifth draws': { malicious: draws('sampled-malicious.jsonl', ...FINAL_WAVE), benign: draws('sampled-benign.jsonl', ...FINAL_WAVE), recall: 0.88, falsePositives: 0.012 },
};

describe.each(Object.entries(SETS))('labelled command lines: %s', (_, set) => {
  test('has malicious lines of every category and benign look-alikes', () => {
    expect(new Set(set.malicious.map((m) => m.category)).size).toBe(7);
    expect(set.malicious.length).toBeGreaterThan(150);
    expect(set.benign.length).toBeGreaterThan(150);
  });

  test(`recall on malicious command lines is at least the floor`, () => {
    expect(rate(found(set.malicious), set.malicious)).toBeGreaterThanOrEqual(set.recall);
  });

  test(`false-positive rate on benign command lines (hard cases included) is at most the floor`, () => {
    expect(rate(found(set.benign), set.benign)).toBeLessThanOrEqual(set.falsePositives);
  });
});

describe('the public half and the own cases together', () => {
  const malicious = [...SETS['public-source half'].malicious, ...SETS["the team's own cases"].malicious];
  const benign = [...SETS['public-source half'].benign, ...SETS["the team's own cases"].benign];

  test('recall is at least 0.95 overall and 0.85 in every category; false-positive rate at most 0.01', () => {
    expect(rate(found(malicious), malicious)).toBeGreaterThanOrEqual(0.95);
    for (const category of new Set(malicious.map((m) => m.category))) {
      const lines = malicious.filter((m) => m.category === category);
      expect({ category, recall: rate(found(lines), lines) >= 0.85 }).toEqual({ category, recall: true });
    }
    expect(rate(found(benign), benign)).toBeLessThanOrEqual(0.01);
  });

  test('most detections name the labelled category', () => {
    const right = malicious.filter((m) => classifyCommandLine(engine, { cmdline: m.cmdline }).category === m.category);
    expect(rate(right, malicious)).toBeGreaterThanOrEqual(0.85);
  });

  test("every technique of the team's own cases is found at least once", () => {
    const own = SETS["the team's own cases"].malicious;
    const missed = [...new Set(own.map((m) => m.technique))].filter((t) => found(own.filter((m) => m.technique === t)).length === 0);
    expect(missed).toEqual([]);
  });

  test('no rule throws on any corpus line', () => {
    found([...malicious, ...benign]);
    expect(engine.ruleErrors).toBe(0);
  });
});
