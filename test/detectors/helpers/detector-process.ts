/** The detector program (detectors/main.ts) as a child process, for tests that need a real process: signals, PATH. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '../../..');

export class DetectorProcess {
  private output = '';
  private listeningOn = 0;

  private constructor(readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /**
   * Starts `main.ts <mode>` (or, with `via` 'odin-detect', `bin/odin-detect.js run <mode>`) with `env` added to
   * this process's environment, on a port the kernel chooses unless `env` sets ODIN_PORT; waits for its "listening"
   * line, which says the port.
   */
  static async start(mode: string, env: Record<string, string>, via: 'main' | 'odin-detect' = 'main'): Promise<DetectorProcess> {
    const args = via === 'main' ? ['--import', 'tsx', join(REPO, 'detectors/main.ts'), mode] : [join(REPO, 'bin/odin-detect.js'), 'run', mode];
    const child = spawn(process.execPath, args, {
      cwd: REPO,
      env: { ...process.env, ODIN_LISTEN_HOST: '127.0.0.1', ODIN_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const detector = new DetectorProcess(child);
    await detector.waitForLog('"msg":"listening"', 30_000);
    detector.listeningOn = Number(/"msg":"listening"[^\n]*"port":(\d+)/.exec(detector.output)![1]);
    return detector;
  }

  /** The port it listens on, as its "listening" log line said. */
  get port(): number {
    return this.listeningOn;
  }

  get logs(): string {
    return this.output;
  }

  /** Resolves when `text` appears in the output; rejects on timeout or exit. */
  async waitForLog(text: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(text)) {
      if (this.child.exitCode !== null) throw new Error(`detector exited with ${this.child.exitCode} before logging ${text}: ${this.output}`);
      if (Date.now() > deadline) throw new Error(`detector did not log ${text} within ${timeoutMs} ms: ${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Sends `signal` and resolves with the exit code and how long the exit took. */
  async signal(signal: NodeJS.Signals): Promise<{ code: number | null; ms: number }> {
    const started = Date.now();
    if (this.child.exitCode !== null) return { code: this.child.exitCode, ms: 0 };
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    process.kill(this.child.pid!, signal);
    const code = await exited;
    return { code, ms: Date.now() - started };
  }

  /** Ends the process by its PID if it still runs (SIGKILL: cleanup after a failed test must not wait). */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) await this.signal('SIGKILL');
  }
}

/** GET a detector endpoint on 127.0.0.1; resolves with status and body. */
export async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.text() };
}

/** The value of one sample line `name{labels} value` in Prometheus text format, matched by a label substring. */
export function sampleValue(metricsText: string, name: string, labelsContaining = ''): number | undefined {
  for (const line of metricsText.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) {
      if (line.includes(labelsContaining)) return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}
