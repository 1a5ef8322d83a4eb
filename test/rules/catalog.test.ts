import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EXPORTED_METRICS, EXPORTED_METRIC_NAMES, MetricSource, metricSource } from '../../lib/exporters/exported-metrics.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The TypeScript source of the detector image, where our own metrics are registered. */
function detectorSource(dir = join(ROOT, 'detectors')): string {
  return readdirSync(dir, { withFileTypes: true }).map((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return detectorSource(path);
    return entry.name.endsWith('.ts') ? readFileSync(path, 'utf8') : '';
  }).join('\n');
}

const source = detectorSource();
/** The metric contract between the manifests and the detector image. */
const contract = readFileSync(join(ROOT, 'docs', 'DEVELOPING.md'), 'utf8');
/** prom-client's default process metrics, registered by `collectDefaultMetrics`, not by name. */
const DEFAULT_METRICS = ['process_cpu_seconds_total', 'process_resident_memory_bytes'];

describe('exported metrics catalog', () => {
  test.each([MetricSource.DETECTORS, MetricSource.GPU_EXPORTER])('%s names are registered by the detector image or in its contract', (src) => {
    const unknown = EXPORTED_METRICS[src]
      .filter((name) => !DEFAULT_METRICS.includes(name))
      .filter((name) => !source.includes(`'${name}'`) && !contract.includes(name));
    expect(unknown).toEqual([]);
    expect(source).toContain('collectDefaultMetrics(');
  });

  test('every odin_ and nvidia_ metric the detector image registers is in the catalog', () => {
    const registered = [...source.matchAll(/'((?:odin|nvidia)_[a-z_]+)'/g)].map((m) => m[1]).filter((n) => !n.endsWith('_'));
    expect(registered.length).toBeGreaterThan(10);
    expect([...new Set(registered)].filter((name) => !EXPORTED_METRIC_NAMES.has(name))).toEqual([]);
  });

  test('names are unique and each has one source', () => {
    const all = Object.values(EXPORTED_METRICS).flat();
    expect(all.length).toBe(EXPORTED_METRIC_NAMES.size);
    expect(metricSource('claude_code_cost_usage_USD_total')).toBe(MetricSource.OTLP_ASSISTANT);
    expect(metricSource('kube_pod_container_status_restarts_total')).toBe(MetricSource.KUBE_STATE_METRICS);
    expect(metricSource('no_such_metric')).toBeUndefined();
  });
});
