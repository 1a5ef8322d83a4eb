import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { keepOnly } from '../../lib/prometheus/prometheus-config.js';
import { TestPrometheus } from '../detectors/helpers/prometheus.js';
import { eventually } from '../detectors/helpers/wait-for.js';
import { findObject, synthStack } from '../helpers.js';

/**
 * A few lines of what K3s's kubelet endpoint serves: its registry also holds the API server's, etcd client's and
 * controllers' series (names and labels as Kubernetes 1.33 exports them).
 */
const K3S_EXPOSITION = [
  'apiserver_request_duration_seconds_bucket{component="apiserver",dry_run="",group="",resource="pods",scope="namespace",subresource="",verb="LIST",version="v1",le="0.005"} 12',
  'apiserver_request_duration_seconds_bucket{component="apiserver",dry_run="",group="",resource="pods",scope="namespace",subresource="",verb="LIST",version="v1",le="+Inf"} 14',
  'etcd_request_duration_seconds_bucket{operation="get",type="/registry/pods",le="0.005"} 40',
  'workqueue_depth{name="deployment"} 0',
  'kubelet_running_pods 31',
  'process_resident_memory_bytes 6.1e+08',
].join('\n');

let exposition: Server;
let prometheus: TestPrometheus;

beforeAll(async () => {
  exposition = createServer((_, res) => res.end(`${K3S_EXPOSITION}\n`));
  await new Promise<void>((resolve) => exposition.listen(0, '127.0.0.1', resolve));
  const target = `127.0.0.1:${(exposition.address() as AddressInfo).port}`;
  const synthesized = parse((findObject(synthStack(), 'ConfigMap', 'prometheus-config') as any).data['prometheus.yml']);
  const kubelet = synthesized.scrape_configs.find((j: { job_name: string }) => j.job_name === 'kubelet');
  // The synthesized job's relabelling, aimed at a static plain-HTTP target (no Kubernetes discovery or kubelet TLS here).
  const job = (name: string, metricRelabelConfigs: unknown) => ({ job_name: name, static_configs: [{ targets: [target] }], metric_relabel_configs: metricRelabelConfigs });
  prometheus = await TestPrometheus.startWithConfig(() => stringify({
    global: { scrape_interval: '1s' },
    scrape_configs: [job('kubelet', kubelet.metric_relabel_configs), job('kubelet-keep', keepOnly(['kubelet_running_pods', 'workqueue_depth']))],
  }));
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  exposition?.close();
});

describe("the kubelet job on K3s's combined registry", () => {
  test('stores none of the API-server, etcd or controller series that no rule or panel reads, and still says the node is up', async () => {
    await eventually('both jobs scraped', 20_000, async () => {
      const up = await prometheus.values('up', 'job');
      return up.kubelet === 1 && up['kubelet-keep'] === 1 ? true : undefined;
    });
    expect(await prometheus.values('scrape_samples_scraped', 'job')).toMatchObject({ kubelet: 6 });
    expect(await prometheus.values('scrape_samples_post_metric_relabeling', 'job')).toMatchObject({ kubelet: 0 });
    const stored = await prometheus.values('count by (__name__) ({job="kubelet", __name__!~"up|scrape_.+"})', '__name__');
    expect(stored).toEqual({});
  });

  test('a name the catalog lists for the kubelet is kept, and only those', async () => {
    const stored = await prometheus.values('count by (__name__) ({job="kubelet-keep", __name__!~"up|scrape_.+"})', '__name__');
    expect(Object.keys(stored).sort()).toEqual(['kubelet_running_pods', 'workqueue_depth']);
  });
});
