import { Testing } from 'cdk8s';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_CONFIG } from '../../lib/config.js';
import { Exporter } from '../../lib/core/exporter.js';
import { Prometheus } from '../../lib/prometheus/prometheus.js';
import { ALL_RULE_GROUPS, Component, Severity } from '../../lib/prometheus/rules/index.js';
import { Manifest } from '../../lib/synth.js';
import { findObject } from '../helpers.js';

function synth(props: ConstructorParameters<typeof Prometheus>[2] = {}) {
  const chart = Testing.chart();
  new Prometheus(chart, 'Prometheus', props);
  return Testing.synth(chart) as Manifest[];
}

describe('Prometheus', () => {
  test('works with no props: 90-day and size-capped retention, OTLP receiver converting deltas, NodePort 31493', () => {
    const manifests = synth();
    const container = (findObject(manifests, 'Deployment', 'prometheus') as any).spec.template.spec.containers[0];
    expect(container.args).toEqual(expect.arrayContaining([
      '--storage.tsdb.retention.time=90d', '--storage.tsdb.retention.size=45GB', '--web.enable-otlp-receiver',
      // Claude Code exports delta sums unless told otherwise; Prometheus 3.5 drops them without this.
      '--enable-feature=otlp-deltatocumulative',
    ]));
    expect((findObject(manifests, 'Service', 'prometheus') as any).spec).toMatchObject({ type: 'NodePort', ports: [{ port: 9090, nodePort: 31493 }] });
    const config = parse((findObject(manifests, 'ConfigMap', 'prometheus-config') as any).data['prometheus.yml']);
    expect(config.global).toEqual({ scrape_interval: '15s', evaluation_interval: '15s', external_labels: { cluster: 'odin' } });
    expect(config.rule_files).toEqual(['/etc/prometheus/rules/*.yaml']);
  });

  test('renders one rule file per group', () => {
    const group = {
      name: 'odin.test',
      rules: [{ alert: 'T', expr: 'up == 0', labels: { severity: Severity.WARNING, component: Component.STACK }, annotations: { summary: 's', description: 'd' } }],
    };
    const data = (findObject(synth({ ruleGroups: [group] }), 'ConfigMap', 'prometheus-rules') as any).data;
    expect(Object.keys(data)).toEqual(['odin.test.yaml']);
    expect(parse(data['odin.test.yaml']).groups[0].rules[0].alert).toBe('T');
  });

  test('loads every group of ALL_RULE_GROUPS by default', () => {
    const data = (findObject(synth(), 'ConfigMap', 'prometheus-rules') as any).data ?? {};
    expect(Object.keys(data).sort()).toEqual(ALL_RULE_GROUPS.map((g) => `${g.name}.yaml`).sort());
  });

  test('reads the cluster with get/list/watch only, and nodes/metrics for the kubelet', () => {
    const role = findObject(synth(), 'ClusterRole', 'odin-prometheus') as any;
    expect(role.rules).toContainEqual({ apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] });
    expect(role.rules.flatMap((r: any) => r.verbs).every((v: string) => ['get', 'list', 'watch'].includes(v))).toBe(true);
  });

  test('restarts Prometheus when its configuration changes, not otherwise', () => {
    const checksum = (props: ConstructorParameters<typeof Prometheus>[2]) =>
      (findObject(synth(props), 'Deployment', 'prometheus') as any).spec.template.metadata.annotations['odin.io/checksum-config'];
    expect(checksum({ scrapeIntervalSec: 15 })).toMatch(/^[0-9a-f]{16}$/);
    expect(checksum({ scrapeIntervalSec: 15 })).toBe(checksum({ scrapeIntervalSec: 15, retentionDays: 30 }));
    expect(checksum({ scrapeIntervalSec: 15 })).not.toBe(checksum({ scrapeIntervalSec: 30 }));
  });

  test('fails when a target needs basic auth and Prometheus has no credentials to send', () => {
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus');
    prometheus.addScrapeTarget(new Exporter(chart, 'Guarded', {
      name: 'guarded', namespace: 'odin', image: 'x:1', port: 9999, resources: DEFAULT_CONFIG.resources.nodeExporter, webAuth: { username: 'odin', secretName: 's' },
    }));
    expect(() => Testing.synth(chart)).toThrow("scrape job 'guarded' needs basic auth, but Prometheus has no credentials to send");
  });

  test('fails when the size cap exceeds the volume', () => {
    expect(() => synth({ retentionSizeGiB: 60, storageSizeGiB: 50 })).toThrow("'retentionSizeGiB' (60) must not exceed 'storageSizeGiB' (50)");
  });
});
