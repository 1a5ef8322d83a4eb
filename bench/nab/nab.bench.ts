/**
 * NAB benchmark: `npm run bench:nab -- [--data DIR] [--labels FILE] [--results DIR]`.
 * Runs ODIN's streaming detector over every CSV under DIR (or, with --results, reads precomputed detector outputs
 * in NAB's results layout), scores them with NAB's method under each profile, and prints a table per file and per
 * profile. The last line is `NAB standard score: X`.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readLabelWindows } from './corpus.js';
import { fileTable, profileTable } from './report.js';
import { detectCorpus, readResults } from './runner.js';
import { NAB_PROFILES, scoreCorpus } from './scorer.js';

const FIXTURES = 'test/fixtures/nab';

function main(): void {
  const { values: args } = parseArgs({
    options: {
      data: { type: 'string', default: join(FIXTURES, 'data') },
      labels: { type: 'string', default: join(FIXTURES, 'labels', 'combined_windows.json') },
      results: { type: 'string' },
    },
  });
  const labels = readLabelWindows(args.labels);
  const started = performance.now();
  const corpus = args.results ? readResults(args.results, labels) : detectCorpus(args.data, labels);
  const detectSec = (performance.now() - started) / 1000;
  const results = NAB_PROFILES.map((profile) => scoreCorpus(corpus, profile));
  const totalSec = (performance.now() - started) / 1000;
  for (const result of results) console.log(`${fileTable(result)}\n`);
  console.log(profileTable(results));
  const rows = corpus.reduce((n, s) => n + s.timestamps.length, 0);
  const source = args.results ? `read from ${args.results}` : `detector over ${args.data}`;
  console.log(`\n${corpus.length} files, ${rows} rows, ${source}: ${detectSec.toFixed(1)} s; total with scoring ${totalSec.toFixed(1)} s`);
  console.log(`NAB standard score: ${results[0].normalized.toFixed(1)}`);
}

main();
