import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DEFAULT_CONFIG, resolveConfig } from '../../lib/config.js';
import { loadConfig } from '../../lib/config-file.js';
import { CONFIG_SCHEMA } from '../../lib/config-rules.js';
import { validateAgainst } from '../../lib/config-schema.js';
import { tempDir } from '../validate/tools.js';

describe('config', () => {
  test('the defaults satisfy the schema, and an empty file means the defaults', () => {
    expect(validateAgainst(CONFIG_SCHEMA, DEFAULT_CONFIG, 'config')).toEqual([]);
    expect(resolveConfig({})).toEqual(DEFAULT_CONFIG);
  });

  test('overrides merge key by key; lists replace', () => {
    const config = resolveConfig({ ports: { grafana: 3300 }, network: { clientCidrs: ['192.168.1.0/24'] } });
    expect(config.ports).toEqual({ ...DEFAULT_CONFIG.ports, grafana: 3300 });
    expect(config.network.clientCidrs).toEqual(['192.168.1.0/24']);
    expect(config.network.nodeCidrs).toEqual(DEFAULT_CONFIG.network.nodeCidrs);
  });

  // Each bad config fails with a message naming the field and what it allows.
  test.each([
    ['unknown top-level key', { namespaces: 'x' }, /config\.namespaces: unknown key; allowed keys are namespace, hostAgentNamespace/],
    ['misspelled nested key', { prometheus: { retentionDay: 30 } }, /config\.prometheus\.retentionDay: unknown key; allowed keys are scrapeIntervalSec, retentionDays/],
    ['wrong type', { prometheus: { retentionDays: '90d' } }, /config\.prometheus\.retentionDays: expected an integer from 1 to 3650, got "90d"/],
    ['port out of range', { ports: { grafana: 70000 } }, /config\.ports\.grafana: expected an integer from 1 to 65535, got 70000/],
    ['port zero', { ports: { loki: 0 } }, /config\.ports\.loki: expected an integer from 1 to 65535, got 0/],
    ['NodePort outside the range', { nodePorts: { prometheus: 8080 } }, /config\.nodePorts\.prometheus: expected an integer from 30000 to 32767, got 8080/],
    ['negative size', { storage: { sizesGiB: { loki: -5 } } }, /config\.storage\.sizesGiB\.loki: expected an integer from 1 to .*, got -5/],
    ['fractional size', { storage: { sizesGiB: { prometheus: 1.5 } } }, /config\.storage\.sizesGiB\.prometheus: expected an integer/],
    ['bad storage mode', { storage: { mode: 'nfs' } }, /config\.storage\.mode: expected one of 'pvc', 'hostPath', got "nfs"/],
    ['bad namespace', { namespace: 'Odin_NS' }, /config\.namespace: expected a DNS label/],
    ['unpinned image', { images: { grafana: 'grafana/grafana' } }, /config\.images\.grafana: expected an image reference pinned to a tag/],
    ['bad CIDR in a list', { network: { clientCidrs: ['10.0.0.0/8', 'home'] } }, /config\.network\.clientCidrs\[1\]: expected a CIDR/],
    ['list expected', { alerting: { email: { to: 'a@example.com' } } }, /config\.alerting\.email\.to: expected a list, got "a@example.com"/],
    ['bad webhook URL', { alerting: { webhooks: [{ url: 'chat.example.com' }] } }, /config\.alerting\.webhooks\[0\]\.url: expected an http:\/\/ or https:\/\/ URL/],
    ['boolean expected', { components: { grafana: 'yes' } }, /config\.components\.grafana: expected true or false, got "yes"/],
    ['object expected', { resources: { loki: 500 } }, /config\.resources\.loki: expected an object with keys cpuRequestMillis/],
    ['share out of range', { detector: { anomalyShare: 2 } }, /config\.detector\.anomalyShare: expected a number from 0\.001 to 0\.5, got 2/],
    ['retention larger than the volume', { prometheus: { retentionSizeGiB: 80 } }, /config\.prometheus\.retentionSizeGiB: must not exceed config\.storage\.sizesGiB\.prometheus \(50\), got 80/],
    ['promtail without loki', { components: { loki: false } }, /config\.components\.promtail: needs config\.components\.loki/],
    ['request above limit', { resources: { grafana: { cpuRequestMillis: 900 } } }, /config\.resources\.grafana\.cpuRequestMillis: must not exceed cpuLimitMillis \(500\), got 900/],
    ['same namespace twice', { hostAgentNamespace: 'odin' }, /config\.hostAgentNamespace: must differ from config\.namespace/],
    ['duplicate NodePorts', { nodePorts: { grafana: 31493 } }, /config\.nodePorts: each NodePort must be different/],
    ['no room for the kube-state-metrics telemetry port', { ports: { kubeStateMetrics: 65535 } }, /config\.ports\.kubeStateMetrics: must be at most 65534 \(kube-state-metrics serves its own telemetry on the next port\), got 65535/],
    ['not an object at all', ['namespace', 'odin'], /config: expected an object/],
    ['email on with the placeholder server', { alerting: { email: { enabled: true } } },
      /config\.alerting\.email\.smtpHost: 'smtp\.example\.com' is a placeholder \(a domain reserved for documentation, RFC 2606/],
    ['email on with a placeholder recipient', { alerting: { email: { enabled: true, smtpHost: 'smtp.gmail.com', from: 'odin@me.com', to: ['me@me.com', 'ops@mail.example.org'] } } },
      /config\.alerting\.email\.to\[1\]: 'ops@mail\.example\.org' is a placeholder/],
    ['email on with a .test sender', { alerting: { email: { enabled: true, smtpHost: 'smtp.gmail.com', from: 'odin@box.test', to: ['me@me.com'] } } },
      /config\.alerting\.email\.from: 'odin@box\.test' is a placeholder/],
    ['a user name with a colon', { access: { username: 'odin:admin' } }, /config\.access\.username: expected a user name without spaces or colons/],
  ])('fails on %s', (_name, overrides, message) => {
    expect(() => resolveConfig(overrides)).toThrow(message);
  });

  test('email is off by default, and its placeholders are accepted while it stays off', () => {
    expect(DEFAULT_CONFIG.alerting.email.enabled).toBe(false);
    expect(resolveConfig({ alerting: { email: { smtpPort: 465 } } }).alerting.email.smtpHost).toBe('smtp.example.com');
    expect(resolveConfig({ alerting: { email: { enabled: true, smtpHost: 'smtp.gmail.com', from: 'odin@me.com', to: ['me@me.com'] } } }).alerting.email.enabled).toBe(true);
  });

  test('reports every problem at once', () => {
    expect(() => resolveConfig({ ports: { grafana: -1, loki: 'x' } })).toThrow(/ports\.grafana[\s\S]*ports\.loki/);
  });
});

describe('loadConfig', () => {
  test('reads YAML and JSON files', () => {
    const dir = tempDir('config');
    writeFileSync(join(dir, 'odin.yaml'), 'namespace: monitoring\nprometheus:\n  retentionDays: 30\n');
    writeFileSync(join(dir, 'odin.json'), JSON.stringify({ clusterName: 'lab' }));
    expect(loadConfig(join(dir, 'odin.yaml')).prometheus.retentionDays).toBe(30);
    expect(loadConfig(join(dir, 'odin.yaml')).namespace).toBe('monitoring');
    expect(loadConfig(join(dir, 'odin.json')).clusterName).toBe('lab');
  });

  test('an empty file means the defaults', () => {
    const file = join(tempDir('config'), 'empty.yaml');
    writeFileSync(file, '');
    expect(loadConfig(file)).toEqual(DEFAULT_CONFIG);
  });

  test('fails naming the file when it is missing or unparsable', () => {
    const dir = tempDir('config');
    writeFileSync(join(dir, 'bad.yaml'), 'ports: [unclosed\n');
    expect(() => loadConfig(join(dir, 'missing.yaml'))).toThrow(/config file .*missing\.yaml: cannot be read: ENOENT/);
    expect(() => loadConfig(join(dir, 'bad.yaml'))).toThrow(/config file .*bad\.yaml: not valid YAML/);
  });

  test('fails naming the file and the field when a value is wrong', () => {
    const file = join(tempDir('config'), 'odin.yaml');
    writeFileSync(file, 'ports:\n  grafana: 99999\n');
    expect(() => loadConfig(file)).toThrow(/odin\.yaml: invalid ODIN config:\n  config\.ports\.grafana: expected an integer from 1 to 65535/);
  });
});
