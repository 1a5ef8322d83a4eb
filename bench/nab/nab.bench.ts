/**
 * NAB benchmark: `npm run bench:nab -- [--data DIR] [--labels FILE] [--published DIR] [--detector NAME | --results DIR]`.
 *
 * Without --detector or --results it runs, in one process and on the same files, ODIN's default streaming
 * detector (`odin`: with NAB's look-ahead of each file's min and max; `odin-live`: without it, as on live
 * metrics) and `cad-ose` (NAB's contextOSE), rescores every published detector's results under --published
 * (default ../shared/fixtures/nab/published when it exists, else test/fixtures/nab/published), and prints side by
 * side the normalised score under NAB's three profiles, the run time, and the published full-corpus score. A
 * second table scores each category with the threshold chosen on the other categories: a detector whose score
 * holds up there is not fitted to one kind of file. With --detector (one of odin, odin-live, cad-ose) or
 * --results (a detector's outputs in NAB's layout) it scores that one alone, with per-file tables.
 * The last line is `NAB standard score: X` (ODIN's default when comparing).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readLabelWindows, type LabelWindows } from './corpus.js';
import { comparisonTable, fileTable, heldOutTable, profileTable, type Entry } from './report.js';
import { DETECTORS, detectCorpus, readResults, type DetectorName } from './runner.js';
import { NAB_PROFILES, scoreCorpus, type ScoredSeries } from './scorer.js';

const FIXTURES = 'test/fixtures/nab';
const SHARED_PUBLISHED = '../shared/fixtures/nab/published';

/** NAB's published scores on its full 58-file corpus (standard, reward_low_FP_rate, reward_low_FN_rate). */
const PUBLISHED_FULL_CORPUS: Readonly<Record<string, readonly number[]>> = {
  ARTime: [74.9, 65.2, 80.4],
  numenta: [70.1, 63.1, 74.3],
  contextOSE: [69.9, 67.0, 73.2],
  knncad: [58.0, 43.4, 64.8],
  relativeEntropy: [54.6, 47.6, 58.8],
};

function main(): void {
  const { values: args } = parseArgs({
    options: {
      data: { type: 'string', default: join(FIXTURES, 'data') },
      labels: { type: 'string', default: join(FIXTURES, 'labels', 'combined_windows.json') },
      published: { type: 'string', default: existsSync(SHARED_PUBLISHED) ? SHARED_PUBLISHED : join(FIXTURES, 'published') },
      detector: { type: 'string' },
      results: { type: 'string' },
    },
  });
  const labels = readLabelWindows(args.labels);
  if (args.detector !== undefined && !(DETECTORS as readonly string[]).includes(args.detector)) {
    throw new Error(`--detector must be one of ${DETECTORS.join(', ')}, got '${args.detector}'`);
  }
  if (args.results !== undefined || args.detector !== undefined) {
    const entry = args.results !== undefined ? published(args.results, args.results, labels) : detected(args.detector as DetectorName, args.data, labels);
    scoreAlone(entry);
    return;
  }
  const entries = [...DETECTORS.map((d) => detected(d, args.data, labels)), ...publishedFolders(args.published, labels)];
  const results = entries.map((e) => ({ ...e, results: NAB_PROFILES.map((p) => scoreCorpus(e.corpus, p)) }));
  console.log(comparisonTable(results));
  console.log(`\n(${args.data}; published results from ${args.published}; "full corpus": NAB's published scores on its 58 files)\n`);
  console.log(heldOutTable(entries));
  const rows = entries[0].corpus.reduce((n, s) => n + s.timestamps.length, 0);
  console.log(`\n${entries[0].corpus.length} files, ${rows} rows`);
  console.log(`NAB standard score: ${results[0].results[0].normalized.toFixed(1)}`);
}

function detected(detector: DetectorName, dataDir: string, labels: LabelWindows): Entry {
  const started = performance.now();
  const corpus = detectCorpus(dataDir, labels, detector);
  return { name: detector, corpus, seconds: (performance.now() - started) / 1000 };
}

function published(name: string, dir: string, labels: LabelWindows): Entry {
  return { name, corpus: readResults(dir, labels), fullCorpus: PUBLISHED_FULL_CORPUS[name] };
}

/** Every detector folder under `dir` (NAB's results layout). */
function publishedFolders(dir: string, labels: LabelWindows): Entry[] {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return names.map((name) => published(name, join(dir, name), labels));
}

function scoreAlone(entry: Entry): void {
  const results = NAB_PROFILES.map((profile) => scoreCorpus(entry.corpus, profile));
  for (const result of results) console.log(`${fileTable(result)}\n`);
  console.log(profileTable(results));
  const rows = entry.corpus.reduce((n: number, s: ScoredSeries) => n + s.timestamps.length, 0);
  const time = entry.seconds === undefined ? '' : `: ${entry.seconds.toFixed(1)} s`;
  console.log(`\n${entry.corpus.length} files, ${rows} rows, ${entry.name}${time}`);
  console.log(`NAB standard score: ${results[0].normalized.toFixed(1)}`);
}

main();
