import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { amtoolReceiver, writeSynthesizedConfig } from '../alertmanager/synthesized-config.js';
import { REAL_EMAIL, findObject, synthStack } from '../helpers.js';
import { runTool, tempDir } from './tools.js';

describe('alertmanager.yml', () => {
  const manifests = synthStack();
  const synthesized = writeSynthesizedConfig(manifests);

  test('amtool check-config accepts the synthesized configuration', () => {
    const result = runTool('amtool', ['check-config', synthesized]);
    expect(result.output).toContain('SUCCESS');
    expect(result.output).toMatch(/2 inhibit rules/);
    expect(result.status).toBe(0);
  });

  test('amtool check-config accepts webhooks with email disabled, and email once configured', () => {
    const file = writeSynthesizedConfig(synthStack({ alerting: { email: { enabled: false }, webhooks: [{ url: 'https://chat.example.com/hook' }] } }));
    expect(runTool('amtool', ['check-config', file]).status).toBe(0);
    expect(runTool('amtool', ['check-config', writeSynthesizedConfig(synthStack({ alerting: { email: REAL_EMAIL } }))]).status).toBe(0);
  });

  test('fails on a broken configuration (the check is real)', () => {
    const dir = tempDir('amtool-bad');
    writeFileSync(join(dir, 'am.yml'), 'route:\n  receiver: nobody\nreceivers: []\n');
    expect(runTool('amtool', ['check-config', join(dir, 'am.yml')]).status).not.toBe(0);
  });

  test('critical alerts go to the critical receiver, others by component, the rest to default', () => {
    expect(amtoolReceiver(synthesized, { alertname: 'GpuTemperatureHigh', severity: 'critical', component: 'gpu' })).toBe('critical');
    expect(amtoolReceiver(synthesized, { alertname: 'GpuTemperatureHigh', severity: 'warning', component: 'gpu' })).toBe('component-gpu');
    expect(amtoolReceiver(synthesized, { alertname: 'ProcessThreat', severity: 'warning', component: 'security' })).toBe('component-security');
    expect(amtoolReceiver(synthesized, { alertname: 'Other', severity: 'info' })).toBe('default');
  });

  test('repeats every 15 minutes, groups by alertname/cluster/service, reads the SMTP password from a file', () => {
    const text = (findObject(synthStack({ alerting: { email: REAL_EMAIL } }), 'ConfigMap', 'alertmanager-config') as any).data['alertmanager.yml'];
    const config = parse(text);
    expect(config.route.repeat_interval).toBe('15m');
    expect(config.route.group_by).toEqual(['alertname', 'cluster', 'service']);
    expect(config.global.smtp_auth_password_file).toBe('/etc/alertmanager/secrets/smtp/password');
    expect(text).not.toMatch(/smtp_auth_password:/);
  });
});
