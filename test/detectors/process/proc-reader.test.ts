/**
 * The /proc reader and scanner: on this machine's real /proc with a harmless miner look-alike and a benign
 * look-alike, and on a fake /proc tree with vanished, malformed and huge entries.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { classify } from '../../../detectors/process/proc-files.js';
import { RuleEngine } from '../../../detectors/process/engine.js';
import { ProcReader } from '../../../detectors/process/proc-reader.js';
import { ProcessScanner, scanProcDir } from '../../../detectors/process/scan.js';
import { fakeProc } from './fake-proc.js';

const WALLET = '4AzWBLaH4e2MAut9nSMHi4D3ccpY2vqsSA4TBerGmcGM3Gmr89TUqq9QFBevDhzzCPZwSXCUXTXCDZHYVenZscdX9rj2otM';
const started: ChildProcess[] = [];
const dirs: string[] = [];
const track = (dir: string): string => (dirs.push(dir), dir);

/** Kills a process that may already be gone. */
function kill(pid: number | undefined): void {
  try {
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

afterAll(() => {
  for (const child of started) if (child.exitCode === null) kill(child.pid);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Copies /bin/sh under `name` and runs it blocked on `read` (no child process), so argv can be anything. */
async function startLookAlike(dir: string, name: string, args: string[]): Promise<number> {
  const exe = join(dir, name);
  copyFileSync('/bin/sh', exe);
  const child = spawn(exe, ['-c', 'read line', name, ...args], { stdio: ['pipe', 'ignore', 'ignore'] });
  started.push(child);
  const pid = child.pid!;
  for (let i = 0; i < 100 && !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(args[args.length - 1]); i++) await new Promise((r) => setTimeout(r, 20));
  return pid;
}

describe('process scan on the real /proc', () => {
  test('finds the miner look-alike with its evidence and not the health-check look-alike', async () => {
    const dir = mkdtempSync('/tmp/odin-proc-test-');
    dirs.push(dir);
    const miner = await startLookAlike(dir, 'xmrig', ['-o', 'stratum+tcp://pool.example.com:3333', '-u', WALLET, '--donate-level', '1', '3600']);
    const healthcheck = await startLookAlike(dir, 'curl', ['-fsS', 'http://localhost:8080/healthz']);
    try {
      const result = new ProcessScanner().scan(Date.now() / 1000);
      const minerFindings = result.findings.filter((f) => f.pid === miner);
      expect(minerFindings.map((f) => f.finding.category)).toContain('crypto_miner');
      const stratum = minerFindings.find((f) => f.finding.rule === 'miner-stratum-url')!;
      expect(stratum.finding.evidence.pool).toBe('stratum+tcp://pool.example.com:3333');
      expect(stratum.exe).toBe(join(dir, 'xmrig'));
      expect(stratum.isNew).toBe(true);
      expect(result.findings.filter((f) => f.pid === healthcheck)).toEqual([]);
      expect(result.processes.find((p) => p.pid === miner)).toMatchObject({ uid: process.getuid!(), comm: 'xmrig' });
    } finally {
      for (const child of started) if (child.exitCode === null) kill(child.pid);
    }
  });

  test('a finding is new only in the pass that first sees it', async () => {
    const dir = mkdtempSync('/tmp/odin-proc-test-');
    dirs.push(dir);
    const miner = await startLookAlike(dir, 'xmrig', ['-o', 'stratum+tcp://pool.example.com:3333', '3600']);
    try {
      const scanner = new ProcessScanner();
      const first = scanner.scan(1000).findings.filter((f) => f.pid === miner);
      const second = scanner.scan(1060).findings.filter((f) => f.pid === miner);
      expect(first.length).toBeGreaterThan(0);
      expect(first.every((f) => f.isNew)).toBe(true);
      expect(second.length).toBe(first.length);
      expect(second.some((f) => f.isNew)).toBe(false);
    } finally {
      process.kill(miner, 'SIGKILL');
    }
  });
});

/** memfd_create's syscall number for perl's `syscall` (perl-base is Essential on Debian: present wherever the tests run). */
const MEMFD_CREATE: Partial<Record<string, number>> = { x64: 319, arm64: 279, ia32: 356, arm: 385 };
/**
 * Runs `argv` from an anonymous memory file holding a copy of `image`, the way runc re-executes itself and fileless
 * malware runs a payload. With `fork`, perl forks first and stays as the parent, so a copy of `/proc/self/exe` is a
 * copy of the parent's own executable. Resolves to the pid of the memfd process.
 */
async function startFromMemfd(memfdName: string, image: string, argv: string[], fork = false): Promise<number> {
  const script = `my ($nr, $name, $image, @argv) = @ARGV;
    if (${fork ? 1 : 0}) { my $child = fork; if ($child) { waitpid($child, 0); exit 0 } }
    my $fd = syscall($nr, $name, 0); die "memfd_create: $!" if $fd < 0;
    open(my $out, '>&=', $fd) or die "fd: $!"; binmode $out;
    open(my $in, '<:raw', $image) or die "$image: $!"; my $bytes = do { local $/; <$in> }; print $out $bytes; $out->flush;
    exec { "/proc/self/fd/$fd" } @argv or die "exec: $!";`;
  const perl = spawn('perl', ['-e', script, String(MEMFD_CREATE[process.arch]), memfdName, image, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
  started.push(perl);
  let stderr = '';
  perl.stderr!.on('data', (d) => (stderr += d));
  for (let i = 0; i < 150; i++) {
    const pid = [perl.pid!, ...childrenOf(perl.pid!)].find((p) => readLinkOrEmpty(`/proc/${p}/exe`).startsWith('/memfd:'));
    if (pid !== undefined) return pid;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no process ran from the memfd (is vm.memfd_noexec set?): ${stderr}`);
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function readLinkOrEmpty(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

describe('memory-file executables on the real /proc', () => {
  test('a program re-executing a copy of its parent is not reported; a memfd named like runc\'s under another parent is', async () => {
    const selfCopy = await startFromMemfd('agent-sealed', '/proc/self/exe', ['perl', '-e', 'sleep 30'], true);
    const imitator = await startFromMemfd('runc_cloned:/proc/self/exe', '/bin/sleep', ['runc', '30']);
    try {
      const { processes } = new ProcReader().read();
      const facts = (pid: number) => processes.find((p) => p.pid === pid)!;
      // The kernel's own shapes: the link text, the fd number as comm, the parent chain from this snapshot.
      expect(facts(selfCopy)).toMatchObject({ exe: '/memfd:agent-sealed', exeDeleted: true, exeCopyOfParent: true, parentChain: expect.arrayContaining(['perl']) });
      expect(facts(imitator)).toMatchObject({ exe: '/memfd:runc_cloned:/proc/self/exe', exeDeleted: true, exeCopyOfParent: false, argv: ['runc', '30'] });
      expect(facts(imitator).ageSec).toBeLessThan(60);
      const engine = new RuleEngine();
      expect(engine.evaluate(facts(selfCopy))).toEqual([]);
      expect(engine.evaluate(facts(imitator))[0]).toMatchObject({ rule: 'fileless-memfd-executable', severity: 'critical', evidence: { imitates: 'runc clone', image: 'not the parent executable' } });
    } finally {
      for (const pid of [selfCopy, imitator]) kill(pid);
    }
  });
});

describe('process scan on a fake /proc', () => {
  test('vanished, malformed and huge entries are counted and skipped or cut, never thrown', () => {
    const { processes, stats } = new ProcReader({ procDir: track(fakeProc()), maxCmdlineBytes: 4096 }).read();
    expect(stats).toMatchObject({ processes: 4, vanished: 1, errors: 1, truncated: 1 });
    const huge = processes.find((p) => p.pid === 101)!;
    expect(huge.cmdlineTruncated).toBe(true);
    expect(huge.argv.join('\0').length).toBeLessThanOrEqual(4096);
  });

  test('reads exe (deleted), parent chain, cgroup container, LD_PRELOAD, CPU, RSS and stdio sockets', () => {
    const { processes } = new ProcReader({ procDir: track(fakeProc()) }).read();
    const impostor = processes.find((p) => p.pid === 100)!;
    expect(impostor).toMatchObject({
      exe: '/dev/shm/.x/kworker', exeDeleted: true, parentChain: ['systemd'], containerId: 'ab'.repeat(32),
      ldPreload: '/dev/shm/.l/libhide.so', cpuSeconds: 3, rssBytes: 2560 * 4096, state: 'S',
    });
    expect(processes.find((p) => p.pid === 104)!.stdioRemote).toBe('203.0.113.45:4444');
  });

  test('the scan reports the disguised process and the shell on a socket with evidence', () => {
    const { findings, stats } = scanProcDir(track(fakeProc()));
    const rules = (pid: number): string[] => findings.filter((f) => f.pid === pid).map((f) => f.finding.rule);
    expect(rules(100)).toEqual(expect.arrayContaining(['kernel-thread-impostor', 'executable-in-temp-dir', 'ld-preload-in-environment', 'deleted-executable']));
    const shell = findings.find((f) => f.pid === 104 && f.finding.rule === 'shell-stdio-on-tcp-socket')!;
    expect(shell.finding).toMatchObject({ category: 'reverse_shell', severity: 'critical', evidence: { remote: '203.0.113.45:4444' } });
    expect(rules(1)).toEqual([]);
    expect(stats.vanished).toBe(1);
  });

  test('a process whose command line changes between passes is evaluated again', () => {
    const procDir = track(fakeProc());
    const scanner = new ProcessScanner({ reader: new ProcReader({ procDir }) });
    expect(scanner.scan(1000).findings.filter((f) => f.pid === 1)).toEqual([]);
    writeFileSync(join(procDir, '1', 'cmdline'), 'xmrig\0-o\0stratum+tcp://pool.example.com:3333\0');
    expect(scanner.scan(1060).findings.filter((f) => f.pid === 1).map((f) => [f.finding.rule, f.isNew])).toContainEqual(['miner-stratum-url', true]);
  });

  test('a process that turns busy has its connections read: a mining port with sustained CPU is reported', () => {
    const procDir = track(fakeProc());
    const scanner = new ProcessScanner({ reader: new ProcReader({ procDir }) });
    const mining = (nowSec: number) => scanner.scan(nowSec).findings.filter((f) => f.pid === 104 && f.finding.rule === 'mining-port-with-sustained-cpu');
    expect(mining(1000)).toEqual([]);
    // 60 s of CPU in 60 s: one core, with stdin on the connection to port 4444.
    writeFileSync(join(procDir, '104', 'stat'), '104 (bash) S 1 1 1 0 -1 4194560 100 0 0 0 6250 50 0 0 20 0 1 0 100 1000000 2560 18446744073709551615');
    expect(mining(1060).map((f) => f.finding.evidence)).toEqual([{ remotePort: '4444', cpuCores: '1.00' }]);
  });

  test('a process cannot borrow another one\'s verdict by putting the cache key\'s separator in its argv and comm', () => {
    // GIVEN a clean process whose one argument holds a control character and the path of the other's executable,
    // and a process run from /tmp whose name starts with that character: joined naively, their facts read alike
    const procDir = mkdtempSync('/tmp/odin-proc-key-');
    dirs.push(procDir);
    const stat = (pid: number, comm: string): string => `${pid} (${comm}) S 1 1 1 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 100 1000000 2560 18446744073709551615`;
    for (const [pid, comm, cmdline] of [[10, 'c', 'a\u0001/tmp/evil\0'], [11, '\u0001c', 'a\0']] as const) {
      mkdirSync(join(procDir, String(pid), 'fd'), { recursive: true });
      writeFileSync(join(procDir, String(pid), 'stat'), stat(pid, comm));
      writeFileSync(join(procDir, String(pid), 'cmdline'), cmdline);
    }
    symlinkSync('/tmp/evil', join(procDir, '11', 'exe'));
    // WHEN one pass evaluates both
    const { findings } = scanProcDir(procDir);
    // THEN the one run from /tmp is reported all the same
    expect(findings.map((f) => [f.pid, f.finding.rule])).toEqual([[11, 'executable-in-temp-dir']]);
  });

  test('a missing /proc directory is an error the caller sees', () => {
    expect(() => new ProcReader({ procDir: '/nonexistent/odin-proc' }).read()).toThrow(/ENOENT/);
    expect(existsSync('/nonexistent/odin-proc')).toBe(false);
  });

  test('errno codes are sorted into vanished, unreadable and error', () => {
    const err = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });
    expect(classify('/proc/1/x', err('ENOENT')).kind).toBe('vanished');
    expect(classify('/proc/1/x', err('ESRCH')).kind).toBe('vanished');
    expect(classify('/proc/1/x', err('EACCES')).kind).toBe('unreadable');
    expect(classify('/proc/1/x', err('EPERM')).kind).toBe('unreadable');
    expect(classify('/proc/1/x', err('EIO')).kind).toBe('error');
  });
});
