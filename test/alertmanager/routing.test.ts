import { describe, expect, test } from 'vitest';
import { ALL_RULE_GROUPS, AlertRule, Severity } from '../../lib/prometheus/rules/index.js';
import { amtoolReceiver, writeSynthesizedConfig } from './synthesized-config.js';

const config = writeSynthesizedConfig();
const receiverOf = (labels: Record<string, string>): string => amtoolReceiver(config, labels);

const alerts = ALL_RULE_GROUPS.flatMap((g) => g.rules).filter((r): r is AlertRule => 'alert' in r);

describe('amtool config routes test on the synthesized alertmanager.yml', () => {
  test('a critical GPU alert pages through the critical receiver', () => {
    expect(receiverOf({ alertname: 'GpuTemperatureHigh', severity: 'critical', component: 'gpu', gpu: '0', instance: 'gpu-node:9402' }))
      .toBe('critical');
  });

  test('a security alert reaches the security receiver', () => {
    expect(receiverOf({ alertname: 'ProcessThreatSeenRecently', severity: 'warning', component: 'security', category: 'reverse_shell' }))
      .toBe('component-security');
  });

  test('an ML alert reaches the ML receiver', () => {
    expect(receiverOf({ alertname: 'ModelTrainingFailing', severity: 'warning', component: 'ml', detector: 'disk' })).toBe('component-ml');
  });

  test('an alert without a component falls through to the default receiver', () => {
    expect(receiverOf({ alertname: 'Watchdog', severity: 'info' })).toBe('default');
  });

  // Every rule's own labels: a rule whose component has no route would silently land in the default receiver.
  const combinations = [...new Map(alerts.map((a) => [`${a.labels.component}/${a.labels.severity}`, a])).values()];
  test.each(combinations.map((a) => [`${a.labels.component}/${a.labels.severity}`, a] as const))(
    'rules of %s reach their receiver', (_, rule) => {
      const expected = rule.labels.severity === Severity.CRITICAL ? 'critical' : `component-${rule.labels.component}`;
      expect(receiverOf({ alertname: rule.alert, ...rule.labels })).toBe(expected);
    },
  );
});
