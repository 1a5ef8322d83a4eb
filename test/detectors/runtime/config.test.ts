import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../../detectors/runtime/config.js';

const dir = mkdtempSync(join(tmpdir(), 'odin-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('loadConfig', () => {
  test('uses the documented defaults and the mode port', () => {
    const config = loadConfig('gpu', {});
    expect(config).toMatchObject({
      mode: 'gpu', port: 9405, listenHost: '0.0.0.0', modelsDir: '/models', nvidiaSmi: 'nvidia-smi',
      cycleIntervalSec: 60, trainIntervalSec: 21_600, trainWindowSec: 604_800, anomalyShare: 0.05, scrapeStepSec: 15, settings: {},
    });
    expect(loadConfig(undefined, { ODIN_MODE: 'disk' }).port).toBe(9408);
  });

  test('reads detector.json, its mode section, and lets the environment win', () => {
    const path = file('detector.json', JSON.stringify({ cycleIntervalSec: 30, anomalyShare: 0.01, gpu: { metrics: ['temperature'] }, pod: { x: 1 } }));
    const config = loadConfig('gpu', { ODIN_CONFIG_FILE: path, ODIN_CYCLE_INTERVAL_SEC: '5', ODIN_PORT: '0', ODIN_PROMETHEUS_URL: 'http://127.0.0.1:9090/' });
    expect(config.cycleIntervalSec).toBe(5);
    expect(config.anomalyShare).toBe(0.01);
    expect(config.settings).toEqual({ metrics: ['temperature'] });
    expect(config.port).toBe(0);
    expect(config.prometheusUrl).toBe('http://127.0.0.1:9090');
  });

  test.each([
    [{ cycleIntervalSec: -1 }, /'cycleIntervalSec' must be a positive number of seconds, got -1/],
    [{ anomalyShare: 1.5 }, /'anomalyShare' must be a number in \(0, 1\), got 1.5/],
    [{ cycleIntervalSecs: 10 }, /unknown key 'cycleIntervalSecs'/],
    [{ toString: 10 }, /unknown key 'toString'/],
    [{ gpu: 'yes' }, /'gpu' must be an object of settings, got "yes"/],
    [[1, 2], /must hold a JSON object/],
  ])('fails on detector.json %j with an error naming the field', (content, message) => {
    expect(() => loadConfig('gpu', { ODIN_CONFIG_FILE: file('bad.json', JSON.stringify(content)) })).toThrow(message);
  });

  test('fails on bad environment values, a broken file and an unknown mode', () => {
    expect(() => loadConfig('gpu', { ODIN_PORT: '70000' })).toThrow(/ODIN_PORT must be an integer port in \[0, 65535\], got '70000'/);
    expect(() => loadConfig('gpu', { ODIN_ANOMALY_SHARE: 'lots' })).toThrow(/ODIN_ANOMALY_SHARE must be a number in \(0, 1\), got 'lots'/);
    expect(() => loadConfig('gpu', { ODIN_PROMETHEUS_URL: 'prometheus:9090' })).toThrow(/ODIN_PROMETHEUS_URL must be an http\(s\) URL/);
    expect(() => loadConfig('gpu', { ODIN_LOG_LEVEL: 'loud' })).toThrow(/ODIN_LOG_LEVEL must be one of/);
    expect(() => loadConfig('gpu', { ODIN_LOG_LEVEL: 'constructor' })).toThrow(/ODIN_LOG_LEVEL must be one of/);
    expect(() => loadConfig('gpu', { ODIN_CONFIG_FILE: file('trunc.json', '{"cycleIntervalSec": ') })).toThrow(/is not valid JSON/);
    expect(() => loadConfig('gpu', { ODIN_CONFIG_FILE: join(dir, 'missing.json') })).toThrow(/cannot be read/);
    expect(() => loadConfig('gpus', {})).toThrow(/mode \(first argument or ODIN_MODE\) must be one of gpu-exporter, gpu, pod, process, disk, got "gpus"/);
  });

  test('reads Prometheus credentials as a user and a password file, both or neither', () => {
    expect(loadConfig('gpu', {}).prometheusAuth).toBeUndefined();
    expect(loadConfig('gpu', { ODIN_PROMETHEUS_USERNAME: 'odin', ODIN_PROMETHEUS_PASSWORD_FILE: '/etc/auth/password' }).prometheusAuth)
      .toEqual({ username: 'odin', passwordFile: '/etc/auth/password' });
    expect(() => loadConfig('gpu', { ODIN_PROMETHEUS_USERNAME: 'odin' })).toThrow(/go together, got only ODIN_PROMETHEUS_USERNAME/);
    expect(() => loadConfig('gpu', { ODIN_PROMETHEUS_PASSWORD_FILE: '/p' })).toThrow(/go together, got only ODIN_PROMETHEUS_PASSWORD_FILE/);
    expect(() => loadConfig('gpu', { ODIN_PROMETHEUS_USERNAME: 'a:b', ODIN_PROMETHEUS_PASSWORD_FILE: '/p' })).toThrow(/must not contain ':'/);
  });
});
