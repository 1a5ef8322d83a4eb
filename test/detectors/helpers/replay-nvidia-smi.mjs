// Stand-in for `nvidia-smi --query-gpu=<fields> --format=csv,noheader,nounits` that replays the real H100 trace
// (test/fixtures/nvidia-smi/h100-load-trace.csv). It plays the rows of one phase of the recorded load schedule
// (h100-load-phases.csv), chosen by the first word of the file named by ODIN_REPLAY_CONTROL (e.g. `idle`,
// `full_load`; a second word, e.g. `idle 1`, keeps only that occurrence of the phase: the first idle is the GPU at
// rest, later ones cool down after a load), one row per 500 ms of wall time, as the trace was recorded. Fields the trace lacks come from the
// same GPU's `nvidia-smi` sample; fields it has no value for read [N/A], as on the real GPU.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const fixtures = join(import.meta.dirname, '../../fixtures/nvidia-smi');
const IDENTITY = {
  index: '0', name: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-43a7f799-2500-c36a-0b00-3ac474b70b28', driver_version: '580.159.04',
  'power.limit': '700.00', 'memory.total': '81559', 'clocks.max.sm': '1980',
};
const TRACE_COLUMNS = { 'clocks.sm': 'clocks.current.sm' };

const query = process.argv.find((a) => a.startsWith('--query-gpu='));
if (!query || !process.argv.includes('--format=csv,noheader,nounits')) {
  process.stderr.write('replay-nvidia-smi: only --query-gpu=... --format=csv,noheader,nounits is supported\n');
  process.exit(2);
}
const [phase, occurrence] = readFileSync(process.env.ODIN_REPLAY_CONTROL, 'utf8').trim().split(/\s+/);

const [headerLine, ...lines] = readFileSync(join(fixtures, 'h100-load-trace.csv'), 'utf8').trim().split('\n');
const header = headerLine.split(',').map((h) => h.replace(/\s*\[.*\]$/, '').trim());
const unixOf = (stamp) => Date.parse(`${stamp.trim().replace(/\//g, '-').replace(' ', 'T')}Z`) / 1000;

const schedule = readFileSync(join(fixtures, 'h100-load-phases.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
const periods = schedule.flatMap(([start, name], i) => (name === phase && i + 1 < schedule.length ? [[Number(start), Number(schedule[i + 1][0])]] : []));
const chosen = occurrence === undefined ? periods : periods.slice(Number(occurrence) - 1, Number(occurrence));
const inPhase = (t) => chosen.some(([from, to]) => t >= from && t < to);
const rows = lines.map((l) => l.split(',').map((v) => v.trim())).filter((cells) => inPhase(unixOf(cells[0])));
if (rows.length === 0) {
  process.stderr.write(`replay-nvidia-smi: no trace rows in phase '${phase}'\n`);
  process.exit(3);
}
const row = rows[Math.floor(Date.now() / 500) % rows.length];
const value = (field) => {
  const column = header.indexOf(TRACE_COLUMNS[field] ?? field);
  if (column >= 0) return row[column];
  return IDENTITY[field] ?? (field.startsWith('clocks_throttle_reasons.') ? 'Not Active' : '[N/A]');
};
process.stdout.write(`${query.slice('--query-gpu='.length).split(',').map(value).join(', ')}\n`);
