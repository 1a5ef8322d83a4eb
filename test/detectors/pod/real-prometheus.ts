import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1 (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A Debian /usr/bin/prometheus on a loopback port, scraping static targets every second, with its own temporary TSDB. */
export class RealPrometheus {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'odin-prometheus-'));

  private constructor(readonly url: string) {}

  /** Starts it and waits until every target has been scraped once (Prometheus applies new targets up to 5 s late). */
  static async start(targets: readonly string[]): Promise<RealPrometheus> {
    const port = await freePort();
    const prometheus = new RealPrometheus(`http://127.0.0.1:${port}`);
    await prometheus.launch(port, targets);
    await prometheus.untilScraped(targets.length);
    return prometheus;
  }

  /** Stops the process by its PID (SIGTERM, then SIGKILL after 5 s) and removes its data. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      const killer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(port: number, targets: readonly string[]): Promise<void> {
    const config = join(this.dir, 'prometheus.yml');
    writeFileSync(config, [
      'global:', '  scrape_interval: 1s', '  scrape_timeout: 900ms',
      'scrape_configs:', '- job_name: test', '  static_configs:', `  - targets: ${JSON.stringify(targets)}`,
    ].join('\n'));
    this.child = spawn('/usr/bin/prometheus', [
      `--config.file=${config}`, `--storage.tsdb.path=${join(this.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    this.child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-2000); });
    const deadline = Date.now() + 30_000;
    while (!(await this.isReady())) {
      if (this.child.exitCode !== null || Date.now() > deadline) throw new Error(`prometheus did not become ready: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async untilScraped(targetCount: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const body = await (await fetch(`${this.url}/api/v1/targets`)).json() as { data: { activeTargets: Array<{ health: string }> } };
      const up = body.data.activeTargets.filter((t) => t.health === 'up').length;
      if (up >= targetCount) return;
      if (Date.now() > deadline) throw new Error(`prometheus scraped ${up} of ${targetCount} targets in 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private async isReady(): Promise<boolean> {
    try {
      return (await fetch(`${this.url}/-/ready`)).ok;
    } catch {
      return false;
    }
  }
}
