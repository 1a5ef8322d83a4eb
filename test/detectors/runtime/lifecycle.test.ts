/** The detector program as a process: its endpoints, graceful shutdown on SIGTERM, and start-up errors. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { DetectorProcess, get, sampleValue } from '../helpers/detector-process.js';
import { eventually } from '../helpers/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'odin-lifecycle-'));
const running: DetectorProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.kill()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(mode: string, env: Record<string, string>, via: 'main' | 'odin-detect' = 'main'): Promise<{ detector: DetectorProcess; port: number }> {
  const detector = await DetectorProcess.start(mode, { ODIN_MODELS_DIR: join(dir, 'models'), ...env }, via);
  running.push(detector);
  return { detector, port: detector.port };
}

describe('detector process', () => {
  test('serves /metrics, /healthz, /ready and /health, and exits 0 within 5 s of SIGTERM', async () => {
    const { detector, port } = await start('gpu-exporter', { ODIN_NVIDIA_SMI: join(dir, 'no-nvidia-smi'), ODIN_CYCLE_INTERVAL_SEC: '1' });
    const metrics = await eventually('a failed nvidia-smi run in /metrics', 5000, async () => {
      const { body } = await get(port, '/metrics');
      return sampleValue(body, 'nvidia_smi_up') === 0 ? body : undefined;
    });
    expect(metrics).toContain('process_cpu_seconds_total');
    expect(metrics).toContain('odin_detector_errors_total{detector="gpu-exporter",kind="cycle"}');
    expect(await get(port, '/healthz')).toMatchObject({ status: 200 });
    expect(await get(port, '/ready')).toMatchObject({ status: 200 });
    expect(await get(port, '/nope')).toMatchObject({ status: 404 });
    const health = JSON.parse((await get(port, '/health')).body);
    expect(health).toMatchObject({ healthy: true, mode: 'gpu-exporter', prometheus: { used: false }, kubernetes: { used: false, reachable: null } });
    expect(health.recentErrors[0].msg).toBe('nvidia-smi query failed');

    const { code, ms } = await detector.signal('SIGTERM');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
    expect(detector.logs).toContain('"msg":"stopped"');
  });

  test('SIGTERM ends it within 5 s even while a Prometheus request hangs', async () => {
    const requests: string[] = [];
    const hanging: Server = createServer((req) => requests.push(req.url ?? '')); // never answers
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    try {
      const { detector, port } = await start('gpu', { ODIN_PROMETHEUS_URL: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}` });
      await eventually('a request to Prometheus', 5000, async () => (requests.length > 0 ? true : undefined));
      expect((await get(port, '/ready')).status).toBe(503);
      const { code, ms } = await detector.signal('SIGTERM');
      expect(code).toBe(0);
      expect(ms).toBeLessThan(5000);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });

  test('garbage from Prometheus is counted and survived, and the detector keeps serving', async () => {
    // Answers every path with 200 and an HTML page, as a misconfigured proxy in front of Prometheus would.
    const garbage: Server = createServer((_req, res) => res.end('<html>login required</html>'));
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = await start('gpu', { ODIN_PROMETHEUS_URL: `http://127.0.0.1:${(garbage.address() as AddressInfo).port}`, ODIN_CYCLE_INTERVAL_SEC: '0.5' });
      const metrics = await eventually('invalid answers counted', 10_000, async () => {
        const { body } = await get(port, '/metrics');
        return (sampleValue(body, 'odin_detector_errors_total', 'kind="prometheus_invalid_response"') ?? 0) >= 2 ? body : undefined;
      });
      expect(sampleValue(metrics, 'odin_model_training_failures_total')).toBeGreaterThanOrEqual(1);
      expect(sampleValue(metrics, 'odin_detector_errors_total', 'kind="cycle"')).toBeGreaterThanOrEqual(1);
      expect((await get(port, '/healthz')).status).toBe(200);
      const health = JSON.parse((await get(port, '/health')).body);
      expect(health.recentErrors.map((e: { error?: string }) => e.error).join(' ')).toContain('non-JSON');
    } finally {
      garbage.closeAllConnections();
      await new Promise((resolve) => garbage.close(resolve));
    }
  });

  test('`odin-detect run <mode>` runs the same program', async () => {
    const { detector, port } = await start('gpu-exporter', { ODIN_NVIDIA_SMI: join(dir, 'none') }, 'odin-detect');
    await eventually('the exporter answering', 15_000, async () => ((await get(port, '/healthz').catch(() => undefined))?.status === 200 ? true : undefined));
    expect((await detector.signal('SIGTERM')).code).toBe(0);
  });

  test('a bad configuration ends it at once with an error naming the field', async () => {
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../../../detectors/main.ts'), 'gpu'], {
      env: { ...process.env, ODIN_PORT: 'ninety' },
    });
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("ODIN_PORT must be an integer port in [0, 65535], got 'ninety'") });
  });
});
