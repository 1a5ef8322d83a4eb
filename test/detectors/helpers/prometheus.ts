/**
 * Debian's /usr/bin/prometheus on a loopback port with its own temporary TSDB, for tests. It binds port 0 (the kernel
 * picks a free port, read back with listeningPort), and can be stopped and started again on the same port and data
 * (to test a detector riding out a Prometheus outage).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listeningPort } from './listening-port.js';

/**
 * A port nothing can listen on: port 0 cannot be bound (binding it asks the kernel for a free port), so connecting to
 * it is refused (ECONNREFUSED), unlike a port found free a moment ago that a parallel test may have taken since.
 */
export const REFUSED_PORT = 0;

export interface ScrapeJob {
  readonly name: string;
  readonly targets: readonly string[];
}

/** How to start a test Prometheus beyond its configuration. */
export interface TestPrometheusOptions {
  /** More command-line flags (a web configuration, a receiver). @default [] */
  readonly args?: readonly string[];
  /** The `authorization` header to send while waiting for readiness, when the web configuration asks for one. */
  readonly authorization?: string;
}

/** The file_sd file of a job: its targets can change while Prometheus runs (e.g. a detector started after it). */
const targetsFile = (dir: string, job: string) => join(dir, `targets-${job}.json`);

/**
 * A job's discovery from its file_sd file in `dir` (Prometheus's own temporary directory), for a configuration whose
 * targets are known only once they listen (Prometheus itself, detectors on ports the kernel chose): fill it with
 * `setTargets`.
 */
export const fileDiscovery = (dir: string, job: string) => ({ file_sd_configs: [{ files: [targetsFile(dir, job)] }] });

export class TestPrometheus {
  private child: ChildProcess | undefined;
  private stderr = '';
  /** 0 until the first start: the kernel chooses, a restart keeps it. */
  private port = 0;

  private constructor(private readonly dir: string, private readonly options: TestPrometheusOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts Prometheus scraping `jobs` every `scrapeIntervalSec` and waits until it is ready. */
  static async start(jobs: readonly ScrapeJob[], scrapeIntervalSec = 1): Promise<TestPrometheus> {
    return TestPrometheus.startWithConfig((dir) => {
      for (const job of jobs) writeFileSync(targetsFile(dir, job.name), JSON.stringify([{ targets: job.targets }]));
      return [
        'global:',
        `  scrape_interval: ${Math.round(scrapeIntervalSec * 1000)}ms`,
        `  scrape_timeout: ${Math.round(Math.max(500, scrapeIntervalSec * 900))}ms`,
        'scrape_configs:',
        ...jobs.flatMap((job) => [`- job_name: ${job.name}`, '  file_sd_configs:', `  - files: [${JSON.stringify(targetsFile(dir, job.name))}]`]),
      ].join('\n');
    });
  }

  /**
   * Starts Prometheus with the configuration `configFor(dir)` returns (`dir` is its own temporary directory, for rule
   * files the configuration names and `fileDiscovery`) and waits until it is ready.
   */
  static async startWithConfig(configFor: (dir: string) => string, options: TestPrometheusOptions = {}): Promise<TestPrometheus> {
    const prometheus = new TestPrometheus(mkdtempSync(join(tmpdir(), 'odin-test-prometheus-')), options);
    writeFileSync(join(prometheus.dir, 'prometheus.yml'), configFor(prometheus.dir));
    await prometheus.resume();
    return prometheus;
  }

  /**
   * Replaces the targets (with their `labels`) of a job `start` created or a `fileDiscovery` names; Prometheus scrapes
   * them within about 5 s.
   */
  setTargets(job: string, targets: readonly string[], labels: Readonly<Record<string, string>> = {}): void {
    const file = targetsFile(this.dir, job);
    writeFileSync(`${file}.tmp`, JSON.stringify([{ targets, labels }]));
    renameSync(`${file}.tmp`, file);
  }

  /** (Re)starts the process on the same port and data; a port taken meanwhile fails with Prometheus' own error. */
  async resume(): Promise<void> {
    this.child = spawn('/usr/bin/prometheus', [
      `--config.file=${join(this.dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(this.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${this.port}`,
      '--log.level=warn',
      ...(this.options.args ?? []),
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000);
    });
    this.port = await listeningPort(this.child, 'prometheus', () => this.stderr);
    const deadline = Date.now() + 30_000;
    while (!(await this.isReady())) {
      if (this.child.exitCode !== null || Date.now() > deadline) throw new Error(`prometheus did not become ready: ${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Stops the process by its PID (SIGTERM, SIGKILL after 5 s); the data stays for `resume`. */
  async pause(): Promise<void> {
    const child = this.child;
    if (child?.pid === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(child.pid, 'SIGTERM');
    const killer = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  }

  /** Stops it and removes its data. */
  async stop(): Promise<void> {
    await this.pause();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Instant query result values as numbers, by the value of `label`. */
  async values(expr: string, label: string): Promise<Record<string, number>> {
    const body = (await (await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as {
      data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    return Object.fromEntries(body.data.result.map((r) => [r.metric[label] ?? '', Number(r.value[1])]));
  }

  /** Waits until at least `count` targets are up (Prometheus applies new targets up to 5 s late). */
  async waitForTargetsUp(count: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const body = await (await fetch(`${this.url}/api/v1/targets`)).json() as { data: { activeTargets: Array<{ health: string }> } };
      const up = body.data.activeTargets.filter((t) => t.health === 'up').length;
      if (up >= count) return;
      if (Date.now() > deadline) throw new Error(`prometheus scraped ${up} of ${count} targets in 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private async isReady(): Promise<boolean> {
    try {
      const headers = this.options.authorization ? { authorization: this.options.authorization } : undefined;
      return (await fetch(`${this.url}/-/ready`, { headers })).ok;
    } catch {
      return false;
    }
  }
}
