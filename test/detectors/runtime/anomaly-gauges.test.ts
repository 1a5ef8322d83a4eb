/**
 * The anomaly series end to end: AnomalyGauges served over HTTP as a detector serves them, scraped by Debian's
 * Prometheus, which evaluates the shipped AnomalyScoreHigh rule (its `for` shortened to 0s) and renders the
 * description from the band series with its template queries; the dashboards' band queries run on it too.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AnomalyGauges } from '../../../detectors/runtime/anomaly-gauges.js';
import { ALL_DASHBOARDS } from '../../../dashboards/index.js';
import { queriesOf } from '../../../dashboards/inspect.js';
import { mlRules } from '../../../lib/prometheus/rules/ml.js';
import { ruleFileYaml } from '../../../lib/prometheus/rules/render.js';
import type { AlertRule } from '../../../lib/prometheus/rules/types.js';
import { TestPrometheus } from '../helpers/prometheus.js';
import { eventually } from '../helpers/wait-for.js';

const registry = new Registry();
let server: Server;
let prometheus: TestPrometheus;

beforeAll(async () => {
  // One set of gauges for all three (each mode has its own registry; two sets would register the same names
  // twice): labels not set are absent. Bands are shared by the pods of a namespace, as the pod mode exports them.
  const gpu = new AnomalyGauges(registry, ['detector', 'metric', 'gpu', 'uuid', 'node', 'device', 'namespace', 'pod'], 'Test.', ['pod']);
  const disk = gpu;
  const pods = gpu;
  const memory = { detector: 'pod', metric: 'memory_working_set_bytes', namespace: 'shop' };
  const shopBand = { lower: 1e8, expected: 2e8, upper: 4e8 };
  pods.set({ ...memory, pod: 'api-hog' }, 99, [{ value: 5e9, band: shopBand }]);
  pods.set({ ...memory, pod: 'api-1' }, 20, [{ value: 3e8, band: shopBand }]);
  gpu.set({ detector: 'gpu', metric: 'power', gpu: '0', uuid: 'GPU-1' }, 97, [{ value: 655.5, band: { lower: 60, expected: 72.5, upper: 140 } }]);
  gpu.set({ detector: 'gpu', metric: 'temperature', gpu: '0', uuid: 'GPU-1' }, 40, [{ value: 36, band: { lower: 30, expected: 35, upper: 45 } }]);
  disk.set({ detector: 'disk', metric: 'io', node: 'node-1', device: 'sda' }, 95, [
    { feature: 'io_time', value: 0.02, band: { lower: 0.05, expected: 0.3, upper: 0.9 } },
    { feature: 'read_bytes', value: 1e6, band: undefined },
  ]);
  server = createServer((_, res) => {
    void registry.metrics().then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const warning = mlRules.rules.find((r): r is AlertRule => 'alert' in r && r.alert === 'AnomalyScoreHigh' && r.labels.severity === 'warning')!;
  prometheus = await TestPrometheus.startWithConfig((dir) => {
    writeFileSync(join(dir, 'ml.rules.yaml'), ruleFileYaml({ name: 'odin.ml', interval: '1s', rules: [{ ...warning, for: '0s' }] }));
    return [
      'global:', '  scrape_interval: 1s', '  evaluation_interval: 1s',
      `rule_files: [${JSON.stringify(join(dir, 'ml.rules.yaml'))}]`,
      // As the stack's scrape jobs: the detector's own namespace and pod as target labels, the exported ones winning.
      'scrape_configs:', '- job_name: detector', '  honor_labels: true', '  static_configs:', `  - targets: ["127.0.0.1:${port}"]`,
      '    labels: { namespace: odin, pod: detector-7f9c }',
    ].join('\n');
  });
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await new Promise((resolve) => server?.close(resolve));
});

interface Alert { labels: Record<string, string>; annotations: Record<string, string>; state: string }

describe('anomaly gauges scraped by a real Prometheus', () => {
  test('every scored series has its value, band and direction with the score\'s labels', async () => {
    const text = await registry.metrics();
    expect(text).toContain('odin_anomaly_expected{detector="gpu",metric="power",gpu="0",uuid="GPU-1",pod="",bound="upper"} 140');
    // Two pods, one band of their namespace.
    expect(text.match(/odin_anomaly_expected\{detector="pod".*bound="upper"\}/g)).toEqual(['odin_anomaly_expected{detector="pod",metric="memory_working_set_bytes",namespace="shop",pod="",bound="upper"}']);
    expect(text).toContain('odin_anomaly_direction{detector="pod",metric="memory_working_set_bytes",namespace="shop",pod="api-hog"} 1');
    expect(text).toContain('odin_anomaly_direction{detector="gpu",metric="power",gpu="0",uuid="GPU-1"} 1');
    expect(text).toContain('odin_anomaly_direction{detector="gpu",metric="temperature",gpu="0",uuid="GPU-1"} 0');
    expect(text).toContain('odin_anomaly_direction{detector="disk",metric="io",node="node-1",device="sda",feature="io_time"} -1');
    expect(text).toContain('odin_anomaly_value{detector="disk",metric="io",node="node-1",device="sda",feature="read_bytes"} 1000000');
    expect(text).not.toContain('feature="read_bytes",bound=');
  });

  test('the anomaly alert says where the value is against its expected range', async () => {
    const alerts = await eventually('three firing anomaly alerts', 30_000, async () => {
      const body = await (await fetch(`${prometheus.url}/api/v1/alerts`)).json() as { data: { alerts: Alert[] } };
      const firing = body.data.alerts.filter((a) => a.state === 'firing');
      return firing.length === 3 ? firing : undefined;
    });
    const description = (detector: string) => alerts.find((a) => a.labels.detector === detector)!.annotations.description;
    expect(description('gpu')).toMatch(/scores power on 127\.0\.0\.1:\d+ at 97 of 100\. Scores are calibrated so about 5% of normal points exceed 90\. power \(655\.5\) is above its expected range \[60, 140\], expected 72\.5\.$/);
    expect(alerts.find((a) => a.labels.detector === 'pod')!.labels).toMatchObject({ namespace: 'shop', pod: 'api-hog' });
    expect(description('pod')).toMatch(/exceed 90\. memory_working_set_bytes \(5G\) is above its expected range \[100M, 400M\], expected 200M\.$/);
    expect(description('disk')).toMatch(/exceed 90\. io_time \(20m\) is below its expected range \[50m, 900m\], expected 300m\. read_bytes \(1M\) has no expected range: no value of it is normal as the other inputs stand\.$/);
  });

  test('the dashboards\' band queries give one series per bound and the position of each value in its band', async () => {
    const run = async (expr: string) => {
      const url = `${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr.replace(/\$gpu|\$detector|\$namespace|\$node|\$device/g, '.*'))}`;
      const body = await (await fetch(url)).json() as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      expect(body.status, expr).toBe('success');
      return body.data.result;
    };
    const queries = ALL_DASHBOARDS.flatMap(queriesOf);
    const power = queries.filter((q) => q.dashboard === 'odin-gpu' && q.panel.startsWith('Power draw'));
    const results = await eventually('the band scraped', 10_000, async () => {
      const all = await Promise.all(power.map((q) => run(q.expr)));
      return all.every((r) => r.length === 1) ? all.map((r) => Number(r[0].value[1])) : undefined;
    });
    expect(results).toEqual([655.5, 60, 72.5, 140, 97]);
    const position = queries.find((q) => q.dashboard === 'odin-ml-anomaly' && q.panel.startsWith('Where each value lies'))!;
    const positions = Object.fromEntries((await run(position.expr)).map((r) => [`${r.metric.metric}/${r.metric.feature ?? r.metric.pod}`, Number(r.value[1])]));
    expect(positions).toEqual({
      'power/detector-7f9c': (655.5 - 60) / 80, 'temperature/detector-7f9c': 0.4, 'io/io_time': (0.02 - 0.05) / 0.85,
      'memory_working_set_bytes/api-hog': (5e9 - 1e8) / 3e8, 'memory_working_set_bytes/api-1': (3e8 - 1e8) / 3e8,
    });
    // The namespace's band is stored once, without a pod: neither the pods' nor the detector's own.
    const stored = await run('odin_anomaly_expected{detector="pod"}');
    expect(stored.map((r) => [r.metric.bound, r.metric.pod, r.metric.namespace]).sort()).toEqual([['expected', undefined, 'shop'], ['lower', undefined, 'shop'], ['upper', undefined, 'shop']]);
  });
});
