import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { Manifest } from '../../lib/synth.js';
import { findObject, readManifests, synthStack } from '../helpers.js';
import { runTool, tempDir } from './tools.js';

/** Writes the synthesized alertmanager.yml into a temp dir, its password file pointed at a real file there. */
function writeConfig(manifests: readonly Manifest[]): string {
  const dir = tempDir('amtool');
  const config = parse((findObject(manifests, 'ConfigMap', 'alertmanager-config') as any).data['alertmanager.yml']);
  if (config.global.smtp_auth_password_file) {
    const passwordFile = join(dir, 'smtp-password');
    writeFileSync(passwordFile, 'test-only\n');
    config.global.smtp_auth_password_file = passwordFile;
  }
  const file = join(dir, 'alertmanager.yml');
  writeFileSync(file, stringify(config));
  return file;
}

function routeOf(file: string, labels: Record<string, string>): string {
  const result = runTool('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
  expect(result.status, result.output).toBe(0);
  return result.output.trim();
}

describe('alertmanager.yml', () => {
  const committed = writeConfig(readManifests());

  test('amtool check-config accepts the committed configuration', () => {
    const result = runTool('amtool', ['check-config', committed]);
    expect(result.output).toContain('SUCCESS');
    expect(result.output).toMatch(/2 inhibit rules/);
    expect(result.status).toBe(0);
  });

  test('amtool check-config accepts webhooks with email disabled', () => {
    const file = writeConfig(synthStack({ alerting: { email: { enabled: false }, webhooks: [{ url: 'https://chat.example.com/hook' }] } }));
    expect(runTool('amtool', ['check-config', file]).status).toBe(0);
  });

  test('fails on a broken configuration (the check is real)', () => {
    const dir = tempDir('amtool-bad');
    writeFileSync(join(dir, 'am.yml'), 'route:\n  receiver: nobody\nreceivers: []\n');
    expect(runTool('amtool', ['check-config', join(dir, 'am.yml')]).status).not.toBe(0);
  });

  test('critical alerts go to the critical receiver, others by component, the rest to default', () => {
    expect(routeOf(committed, { alertname: 'GpuTemperatureHigh', severity: 'critical', component: 'gpu' })).toBe('critical');
    expect(routeOf(committed, { alertname: 'GpuTemperatureHigh', severity: 'warning', component: 'gpu' })).toBe('component-gpu');
    expect(routeOf(committed, { alertname: 'ProcessThreat', severity: 'warning', component: 'security' })).toBe('component-security');
    expect(routeOf(committed, { alertname: 'Other', severity: 'info' })).toBe('default');
  });

  test('repeats every 15 minutes, groups by alertname/cluster/service, reads the SMTP password from a file', () => {
    const text = (findObject(readManifests(), 'ConfigMap', 'alertmanager-config') as any).data['alertmanager.yml'];
    const config = parse(text);
    expect(config.route.repeat_interval).toBe('15m');
    expect(config.route.group_by).toEqual(['alertname', 'cluster', 'service']);
    expect(config.global.smtp_auth_password_file).toBe('/etc/alertmanager/secrets/smtp/password');
    expect(text).not.toMatch(/smtp_auth_password:/);
  });
});
