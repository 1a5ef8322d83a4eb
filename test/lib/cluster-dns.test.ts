import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { findObject, synthStack } from '../helpers.js';

const scrapeJobs = (overrides: unknown = {}) => {
  const configMap = findObject(synthStack(overrides), 'ConfigMap', 'prometheus-config') as unknown as { data: Record<string, string> };
  return parse(configMap.data['prometheus.yml']).scrape_configs as Array<Record<string, any>>;
};

describe('cluster DNS (K3s CoreDNS)', () => {
  test('Prometheus scrapes the kube-dns Service\'s metrics port in kube-system', () => {
    const job = scrapeJobs().find((j) => j.job_name === 'coredns')!;
    expect(job.kubernetes_sd_configs[0]).toMatchObject({ role: 'endpointslice', namespaces: { names: ['kube-system'] } });
    expect(job.relabel_configs[0]).toMatchObject({ regex: 'kube-dns;metrics', action: 'keep' });
  });

  test('Prometheus may reach the DNS pods on 9153, and ODIN writes nothing into kube-system', () => {
    const manifests = synthStack();
    const policy = findObject(manifests, 'NetworkPolicy', 'prometheus', 'odin') as any;
    expect(policy.spec.egress).toContainEqual({
      ports: [{ port: 9153, protocol: 'TCP' }],
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    });
    expect(manifests.filter((m) => m.metadata.namespace === 'kube-system')).toEqual([]);
  });

  test('turned off, there is no job and no flow', () => {
    expect(scrapeJobs({ components: { clusterDns: false } }).map((j) => j.job_name)).not.toContain('coredns');
    const policy = findObject(synthStack({ components: { clusterDns: false } }), 'NetworkPolicy', 'prometheus', 'odin') as any;
    expect(JSON.stringify(policy.spec.egress)).not.toContain('9153');
  });
});
