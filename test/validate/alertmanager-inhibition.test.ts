import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AlertmanagerServer } from '../alertmanager/alertmanager-server.js';
import { writeSynthesizedConfig } from '../alertmanager/synthesized-config.js';
import { waitFor } from '../detectors/pod/wait-for.js';
import { synthStack } from '../helpers.js';

const twin = (severity: string, instance: string) => ({
  labels: { alertname: 'GpuTemperatureHigh', severity, component: 'gpu', gpu: '0', instance, cluster: 'odin' },
  annotations: { summary: `${severity} on ${instance}` },
});

/** The real Alertmanager (Debian's 0.25) running the synthesized routes and inhibition rules. */
describe('inhibition in a running Alertmanager', () => {
  let alertmanager: AlertmanagerServer;

  beforeAll(async () => {
    // Email off: no SMTP server exists here, and routing/inhibition do not depend on the receiver's integrations.
    alertmanager = await AlertmanagerServer.start(writeSynthesizedConfig(synthStack({ alerting: { email: { enabled: false } } })));
  });

  afterAll(() => alertmanager?.stop());

  test('a critical alert silences its warning twin on the same GPU, not the warning elsewhere', async () => {
    // GIVEN a critical and a warning for gpu 0 on node-a, and a warning on node-b
    const post = await fetch(`${alertmanager.url}/api/v2/alerts`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify([twin('critical', 'node-a'), twin('warning', 'node-a'), twin('warning', 'node-b')]),
    });
    expect(post.status).toBe(200);
    // WHEN Alertmanager has processed them
    let alerts = await alertmanager.alerts();
    await waitFor(async () => {
      alerts = await alertmanager.alerts();
      return alerts.length === 3 && alerts.some((a) => a.status.inhibitedBy.length > 0);
    }, 15_000, 'the inhibition to apply', 200);
    // THEN only the node-a warning is inhibited
    const state = Object.fromEntries(alerts.map((a) => [`${a.labels.severity}@${a.labels.instance}`, a.status.state]));
    expect(state).toEqual({ 'critical@node-a': 'active', 'warning@node-a': 'suppressed', 'warning@node-b': 'active' });
  });
});
