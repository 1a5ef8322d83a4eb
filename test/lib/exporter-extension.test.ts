import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_CONFIG } from '../../lib/config.js';
import { Exporter } from '../../lib/core/exporter.js';
import { Prometheus } from '../../lib/prometheus/prometheus.js';
import { Manifest } from '../../lib/synth.js';
import { findObject } from '../helpers.js';

/** A new exporter, written the way README tells users to: one short construct. */
class BlackboxExporter extends Exporter {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      name: 'blackbox-exporter', namespace: 'odin', image: 'quay.io/prometheus/blackbox-exporter:v0.27.0', port: 9115,
      livenessPath: '/-/healthy', resources: DEFAULT_CONFIG.resources.nodeExporter,
    });
  }
}

describe('adding an exporter', () => {
  test('one construct and one addScrapeTarget give a scrape job, a Service and both NetworkPolicy rules', () => {
    // GIVEN Prometheus
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus', { ruleGroups: [] });
    // WHEN a new exporter is added
    prometheus.addScrapeTarget(new BlackboxExporter(chart, 'Blackbox'));
    const manifests = Testing.synth(chart) as Manifest[];
    // THEN Prometheus scrapes it through service discovery
    const config = parse((findObject(manifests, 'ConfigMap', 'prometheus-config') as any).data['prometheus.yml']);
    const job = config.scrape_configs.find((j: any) => j.job_name === 'blackbox-exporter');
    expect(job.kubernetes_sd_configs[0].selectors[0]).toEqual({ role: 'endpointslice', label: 'kubernetes.io/service-name=blackbox-exporter' });
    expect(job.relabel_configs[0].regex).toBe('blackbox-exporter;metrics');
    // AND its Service fronts the metrics port
    expect((findObject(manifests, 'Service', 'blackbox-exporter') as any).spec.ports).toEqual([{ name: 'metrics', port: 9115, targetPort: 9115 }]);
    // AND Prometheus may leave toward it, and it may be reached from Prometheus, on 9115 only
    const egress = (findObject(manifests, 'NetworkPolicy', 'prometheus') as any).spec.egress;
    expect(egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'odin' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'blackbox-exporter', 'app.kubernetes.io/part-of': 'odin' } } }],
      ports: [{ port: 9115, protocol: 'TCP' }],
    });
    expect((findObject(manifests, 'NetworkPolicy', 'blackbox-exporter') as any).spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'odin' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/part-of': 'odin' } } }],
      ports: [{ port: 9115, protocol: 'TCP' }],
    }]);
    // AND its pod gets ODIN's defaults: small resources, probes, restricted security, no token
    const pod = (findObject(manifests, 'Deployment', 'blackbox-exporter') as any).spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0].resources.requests).toEqual({ cpu: '50m', memory: '32Mi' });
    expect(pod.containers[0].livenessProbe.httpGet.path).toBe('/-/healthy');
    expect(pod.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
  });

  test('fails when two targets claim the same job name', () => {
    const chart = Testing.chart();
    const prometheus = new Prometheus(chart, 'Prometheus', { ruleGroups: [] });
    prometheus.addScrapeTarget(new BlackboxExporter(chart, 'A'));
    expect(() => prometheus.addScrapeTarget(new BlackboxExporter(chart, 'B'))).toThrow("scrape job 'blackbox-exporter' is already defined");
  });
});
