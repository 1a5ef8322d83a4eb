import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { Manifest } from '../../lib/synth.js';
import { findObject, synthStack } from '../helpers.js';
import { runTool, tempDir } from './tools.js';

type Job = Record<string, any>;

function prometheusYaml(manifests: readonly Manifest[]): Record<string, any> {
  return parse((findObject(manifests, 'ConfigMap', 'prometheus-config') as any).data['prometheus.yml']);
}

/**
 * Debian's promtool 2.42 is built without Kubernetes service discovery and rejects `kubernetes_sd_configs`:
 * each SD block becomes a static target of the same Service, files the config names are pointed into `dir`,
 * and the rule files are written there so promtool checks them too.
 */
function standInForTools(config: Record<string, any>, manifests: readonly Manifest[], dir: string): Record<string, any> {
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, 'not-a-real-token\n');
  const rules = (findObject(manifests, 'ConfigMap', 'prometheus-rules') as any).data ?? {};
  for (const [name, text] of Object.entries(rules)) writeFileSync(join(dir, name), text as string);
  const jobs = config.scrape_configs.map((job: Job) => {
    if (!job.kubernetes_sd_configs) return job;
    const { kubernetes_sd_configs: sd, ...rest } = job;
    const target = sd[0].role === 'node' ? 'node-1:10250' : `${sd[0].selectors[0].label.split('=')[1]}.${sd[0].namespaces.names[0]}.svc:80`;
    const auth = rest.authorization ? { authorization: { credentials_file: tokenFile } } : {};
    return { ...rest, ...auth, static_configs: [{ targets: [target] }] };
  });
  return { ...config, rule_files: [join(dir, '*.yaml')], scrape_configs: jobs };
}

function checkConfig(manifests: readonly Manifest[]) {
  const dir = tempDir('promtool');
  const file = join(dir, 'prometheus.yml');
  writeFileSync(file, stringify(standInForTools(prometheusYaml(manifests), manifests, dir)));
  return runTool('promtool', ['check', 'config', file]);
}

describe('prometheus.yml', () => {
  test('promtool check config accepts the synthesized configuration (SD stood in for by static targets)', () => {
    const result = checkConfig(synthStack());
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  test('promtool check config accepts a configuration with remote_write', () => {
    const result = checkConfig(synthStack({ prometheus: { remoteWriteUrls: ['https://mimir.example.com/api/v1/push'] } }));
    expect(result.status).toBe(0);
  });

  test('fails when the configuration is broken (the check is real)', () => {
    const manifests = synthStack();
    const cm = structuredClone(findObject(manifests, 'ConfigMap', 'prometheus-config')) as any;
    cm.data['prometheus.yml'] = cm.data['prometheus.yml'].replace('scrape_interval: 15s', 'scrape_interval: fifteen');
    const result = checkConfig(manifests.map((m) => (m.metadata.name === 'prometheus-config' ? cm : m)));
    expect(result.status).not.toBe(0);
  });
});

/** Services ODIN scrapes but K3s owns (recorded from K3s's manifests, see the file's header). */
const K3S_SERVICES = [parse(readFileSync(join(import.meta.dirname, '../fixtures/k3s/kube-dns-service.yaml'), 'utf8')) as Manifest];

describe('Kubernetes service-discovery blocks', () => {
  const manifests = synthStack();
  const jobs: Job[] = prometheusYaml(manifests).scrape_configs;
  const endpointJobs = jobs.filter((j) => j.kubernetes_sd_configs?.[0].role === 'endpointslice');

  test('each endpointslice job watches one namespace, selects one Service, and keeps its metrics port', () => {
    expect(endpointJobs.length).toBeGreaterThanOrEqual(12);
    for (const job of endpointJobs) {
      const [sd] = job.kubernetes_sd_configs;
      expect(Object.keys(sd).sort()).toEqual(['namespaces', 'role', 'selectors']);
      expect(sd.namespaces.names).toHaveLength(1);
      const serviceName = sd.selectors[0].label.replace('kubernetes.io/service-name=', '');
      expect(sd.selectors[0]).toEqual({ role: 'endpointslice', label: `kubernetes.io/service-name=${serviceName}` });
      // THEN the Service exists in that namespace with the port the relabel rule keeps
      const service = findObject([...manifests, ...K3S_SERVICES], 'Service', serviceName, sd.namespaces.names[0]) as any;
      const keep = job.relabel_configs.find((r: Job) => r.action === 'keep');
      const [, portName] = keep.regex.split(';');
      expect(service.spec.ports.map((p: Job) => p.name), job.job_name).toContain(portName);
    }
  });

  test('the K3s control plane is scraped once, through the kubelet of each node', () => {
    const nodeJobs = jobs.filter((j) => j.kubernetes_sd_configs?.[0].role === 'node');
    expect(nodeJobs.map((j) => j.job_name)).toEqual(['kubelet']);
    expect(nodeJobs[0].scheme).toBe('https');
    expect(jobs.filter((j) => /apiserver|scheduler|controller/.test(j.job_name))).toEqual([]);
  });

  test('every scraped component has exactly one job', () => {
    const names = jobs.map((j) => j.job_name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining([
      'prometheus', 'kubelet', 'node-exporter', 'cadvisor', 'kube-state-metrics', 'gpu-exporter', 'loki', 'promtail', 'alertmanager', 'grafana',
      'gpu-detector', 'pod-detector', 'process-detector', 'disk-detector',
    ]));
  });
});
