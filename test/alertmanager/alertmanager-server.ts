import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { listeningPort } from '../detectors/helpers/listening-port.js';
import { tempDir } from '../validate/tools.js';

/** A real Debian Alertmanager on 127.0.0.1 (a port the kernel chooses), started by a test and stopped by its PID. */
export class AlertmanagerServer {
  private constructor(
    public readonly url: string, private readonly process: ChildProcess, private readonly log: string[], private readonly authorization?: string,
  ) {}

  /** Starts it on `configFile` with more `args` (a web configuration) and the `authorization` header that one asks for. */
  static async start(configFile: string, args: readonly string[] = [], authorization?: string): Promise<AlertmanagerServer> {
    const log: string[] = [];
    const child = spawn('/usr/bin/prometheus-alertmanager', [
      `--config.file=${configFile}`,
      `--storage.path=${join(tempDir('alertmanager-data'))}`,
      '--web.listen-address=127.0.0.1:0',
      // No gossip: a single instance, and no fixed port 9094 that a parallel test could hold.
      '--cluster.listen-address=',
      ...args,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d) => log.push(String(d)));
    child.stderr?.on('data', (d) => log.push(String(d)));
    const port = await listeningPort(child, 'alertmanager', () => log.join(''));
    const server = new AlertmanagerServer(`http://127.0.0.1:${port}`, child, log, authorization);
    await server.waitReady();
    return server;
  }

  private async waitReady(): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (this.process.exitCode !== null) throw new Error(`alertmanager exited: ${this.log.join('')}`);
      const headers = this.authorization ? { authorization: this.authorization } : undefined;
      const ready = await fetch(`${this.url}/-/ready`, { headers }).then((r) => r.ok, () => false);
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`alertmanager not ready after 10 s: ${this.log.join('')}`);
  }

  /** Post alerts to API v2, as Prometheus does. */
  async post(alerts: ReadonlyArray<{ labels: Record<string, string>; annotations?: Record<string, string> }>): Promise<void> {
    const response = await fetch(`${this.url}/api/v2/alerts`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts),
    });
    if (!response.ok) throw new Error(`POST /api/v2/alerts: ${response.status} ${await response.text()}`);
  }

  /** Every alert Alertmanager holds, with its state (active, suppressed) and what inhibits it. */
  async alerts(): Promise<Array<{ labels: Record<string, string>; status: { state: string; inhibitedBy: string[] }; fingerprint: string }>> {
    const headers = this.authorization ? { authorization: this.authorization } : undefined;
    const response = await fetch(`${this.url}/api/v2/alerts?active=true&inhibited=true&silenced=true`, { headers });
    return response.json() as never;
  }

  stop(): void {
    this.process.kill('SIGTERM');
  }
}
