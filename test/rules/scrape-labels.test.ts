import { createServer, Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { RecordedMetric, recordingRules } from '../../lib/prometheus/rules/index.js';
import { TestPrometheus } from '../detectors/helpers/prometheus.js';
import { eventually } from '../detectors/helpers/wait-for.js';
import { findObject, synthStack } from '../helpers.js';

/**
 * The rules and dashboards select on `namespace`, `pod` and `container` as kube-state-metrics and the kubelet name
 * them. This runs the synthesized scrape jobs of kube-state-metrics and cAdvisor (service discovery replaced by a
 * static target carrying the labels discovery would attach) against a real Prometheus and checks the labels.
 */
const EXPOSITION = [
  'kube_pod_info{namespace="shop",pod="api-7d9f",node="node-1"} 1',
  'container_memory_working_set_bytes{container_label_io_kubernetes_pod_namespace="shop",' +
    'container_label_io_kubernetes_pod_name="api-7d9f",container_label_io_kubernetes_container_name="api",image="shop/api:1",id="/kubepods/a"} 100',
  'container_memory_working_set_bytes{id="/system.slice/k3s.service"} 50',
  '',
].join('\n');

type Job = Record<string, unknown>;

/** The synthesized job with discovery swapped for `target`, labelled as discovery would label the exporter's pod. */
function staticJob(jobs: Job[], name: string, target: string): Job {
  const { kubernetes_sd_configs: _sd, relabel_configs: _relabel, ...job } = jobs.find((j) => j.job_name === name)!;
  return { ...job, static_configs: [{ targets: [target], labels: { namespace: 'odin-system', pod: `${name}-x1`, node: 'node-1' } }] };
}

type Sample = { metric: Record<string, string>; value: [number, string] };

/**
 * The series `expr` selects, waited for: with a 1 s scrape interval the scrape timeout is 1 s too, and a scrape
 * that times out on a loaded machine marks the target's series stale until the next one succeeds.
 */
async function present(url: string, expr: string, timeoutMs = 15_000): Promise<Sample[]> {
  return eventually(`series for ${expr}`, timeoutMs, async () => {
    const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const result = ((await response.json()) as { data: { result: Sample[] } }).data.result;
    return result.length > 0 ? result : undefined;
  });
}

describe('scrape labels in a real Prometheus', () => {
  let exporter: Server;
  let prometheus: TestPrometheus;
  let url: string;

  beforeAll(async () => {
    exporter = createServer((_, res) => res.end(EXPOSITION)).listen(0, '127.0.0.1');
    await new Promise((resolve) => exporter.once('listening', resolve));
    const target = `127.0.0.1:${(exporter.address() as { port: number }).port}`;
    const configMap = findObject(synthStack(), 'ConfigMap', 'prometheus-config') as unknown as { data: Record<string, string> };
    const jobs = parse(configMap.data['prometheus.yml']).scrape_configs as Job[];
    prometheus = await TestPrometheus.startWithConfig((dir) => {
      writeFileSync(join(dir, 'recording.yaml'), stringify({ groups: [recordingRules] }));
      return stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [join(dir, 'recording.yaml')],
        scrape_configs: [staticJob(jobs, 'kube-state-metrics', target), staticJob(jobs, 'cadvisor', target)],
      });
    });
    url = prometheus.url;
    // Ready once both jobs were scraped and the recording rule evaluated after them; a loaded machine takes a while.
    await Promise.all(['kube_pod_info', 'container_memory_working_set_bytes', RecordedMetric.POD_MEMORY].map((expr) => present(url, expr, 45_000)));
  });
  afterAll(async () => { await prometheus?.stop(); exporter?.close(); });

  test('kube-state-metrics keeps the namespace and pod a series is about', async () => {
    const [series] = await present(url, 'kube_pod_info{job="kube-state-metrics"}');
    expect(series.metric).toEqual(expect.objectContaining({ namespace: 'shop', pod: 'api-7d9f' }));
    expect(series.metric).not.toHaveProperty('exported_namespace');
  });

  test('cAdvisor series carry namespace, pod and container from containerd\'s labels', async () => {
    const series = await present(url, 'container_memory_working_set_bytes{job="cadvisor"}');
    const pod = series.find((s) => s.metric.id === '/kubepods/a')!.metric;
    expect(pod).toEqual(expect.objectContaining({ namespace: 'shop', pod: 'api-7d9f', container: 'api' }));
    expect(Object.keys(pod).filter((k) => k.startsWith('container_label_'))).toEqual([]);
    expect(series.find((s) => s.metric.id === '/system.slice/k3s.service')!.metric).not.toHaveProperty('namespace');
  });

  test('the pod memory recording rule sums per namespace and pod', async () => {
    const [series] = await present(url, RecordedMetric.POD_MEMORY);
    expect(series.metric).toEqual({ __name__: RecordedMetric.POD_MEMORY, namespace: 'shop', pod: 'api-7d9f' });
    expect(series.value[1]).toBe('100');
  });
});
