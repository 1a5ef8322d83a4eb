import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ALL_RULE_GROUPS, AlertRule, Severity } from '../../lib/prometheus/rules/index.js';
import { AlertmanagerServer } from './alertmanager-server.js';
import { writeSynthesizedConfig } from './synthesized-config.js';

/** `amtool config routes test` does not evaluate inhibition, so a real Alertmanager runs the synthesized config. */
describe('inhibition in a running Alertmanager', () => {
  let alertmanager: AlertmanagerServer;
  beforeAll(async () => { alertmanager = await AlertmanagerServer.start(writeSynthesizedConfig()); });
  afterAll(() => alertmanager?.stop());

  // A real twin from the rules: the same alertname at both severities.
  const twin = ALL_RULE_GROUPS.flatMap((g) => g.rules)
    .filter((r): r is AlertRule => 'alert' in r && r.alert === 'GpuTemperatureHigh');
  const gpu = (index: string, severity: string, node = 'gpu-node') => ({
    labels: { alertname: 'GpuTemperatureHigh', component: 'gpu', severity, instance: `${node}:9402`, gpu: index, uuid: `GPU-${node}-${index}` },
  });

  test('the rule twin exists with both severities', () => {
    expect(twin.map((r) => r.labels.severity).sort()).toEqual([Severity.CRITICAL, Severity.WARNING]);
  });

  test('a warning is suppressed while its critical twin fires, and only for the same GPU of the same node', async () => {
    await alertmanager.post([gpu('0', 'critical'), gpu('0', 'warning'), gpu('1', 'warning'), gpu('0', 'warning', 'other-node')]);
    // The inhibitor learns of the critical alert asynchronously; poll until the states settle.
    let alerts = await alertmanager.alerts();
    for (let i = 0; i < 50 && !alerts.some((a) => a.status.state === 'suppressed'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      alerts = await alertmanager.alerts();
    }
    const find = (index: string, severity: string, node = 'gpu-node') =>
      alerts.find((a) => a.labels.gpu === index && a.labels.severity === severity && a.labels.instance === `${node}:9402`);
    const critical = find('0', 'critical');
    expect(critical?.status.state).toBe('active');
    expect(find('0', 'warning')?.status).toEqual(expect.objectContaining({ state: 'suppressed', inhibitedBy: [critical?.fingerprint] }));
    expect(find('1', 'warning')?.status).toEqual(expect.objectContaining({ state: 'active', inhibitedBy: [] }));
    expect(find('0', 'warning', 'other-node')?.status).toEqual(expect.objectContaining({ state: 'active', inhibitedBy: [] }));
  });
});
