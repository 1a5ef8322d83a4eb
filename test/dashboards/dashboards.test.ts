import { describe, expect, test } from 'vitest';
import { Panel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboard } from '../../dashboards/common.js';
import { datasourcesProvisioning } from '../../lib/grafana/grafana-provisioning.js';
import { ALL_DASHBOARDS, DASHBOARD_BUILDERS, DatasourceUid } from '../../dashboards/index.js';
import { promqlErrors, unknownMetrics } from '../rules/promql.js';
import { panelsOf, queriesOf } from '../../dashboards/inspect.js';
import { interpolate, logqlErrors, variableMetric } from './queries.js';

const queries = ALL_DASHBOARDS.flatMap(queriesOf);
const promql = queries.filter((q) => q.datasourceUid === DatasourceUid.PROMETHEUS);
const logql = queries.filter((q) => q.datasourceUid === DatasourceUid.LOKI);
const label = (q: { dashboard: string; panel: string; refId?: string }) => `${q.dashboard} / ${q.panel} / ${q.refId}`;

/** The uids users bookmark and link to: changing one breaks their links, so it must be a deliberate edit here. */
const STABLE_UIDS = [
  'odin-system-overview', 'odin-rollup', 'odin-alerts', 'odin-node-detail', 'odin-network', 'odin-disk-forecast',
  'odin-performance-baselines', 'odin-gpu', 'odin-power-thermal', 'odin-pod-behaviour', 'odin-container-resources',
  'odin-ml-anomaly', 'odin-process-security', 'odin-logs', 'odin-stack-health', 'odin-ai-assistant',
];

describe('dashboards', () => {
  test('at least 15, with unique, stable uids', () => {
    expect(ALL_DASHBOARDS.length).toBeGreaterThanOrEqual(15);
    expect(ALL_DASHBOARDS.map((d) => d.uid)).toEqual(STABLE_UIDS);
  });

  test('building twice gives the same JSON (nothing random or time-dependent)', () => {
    const again = DASHBOARD_BUILDERS.map((build) => buildDashboard(build()));
    expect(JSON.stringify(again)).toBe(JSON.stringify(ALL_DASHBOARDS));
  });

  test.each(ALL_DASHBOARDS.map((d) => [d.uid, d] as const))('%s JSON is under 1 MiB and has the required fields', (_, d) => {
    expect(Buffer.byteLength(JSON.stringify(d))).toBeLessThan(1024 * 1024);
    expect(d.title).toMatch(/^ODIN \/ /);
    expect(d.schemaVersion).toBeGreaterThan(30);
    expect(d.tags).toContain('odin');
    expect(d.time).toEqual({ from: expect.any(String), to: 'now' });
    expect(panelsOf(d).filter((p) => p.type !== 'row').length).toBeGreaterThanOrEqual(5);
  });

  test.each(ALL_DASHBOARDS.map((d) => [d.uid, d] as const))('%s panels have a type, title, ids and a grid place', (_, d) => {
    const panels = panelsOf(d);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) {
      expect(p.type, p.title).toMatch(/^(row|timeseries|stat|table|logs|status-history)$/);
      expect(p.title, String(p.id)).not.toBe('');
      const { x, y, w, h } = p.gridPos ?? {};
      for (const n of [x, y, w, h]) expect(Number.isInteger(n), `${p.title} gridPos`).toBe(true);
      expect((x ?? 0) + (w ?? 0), p.title).toBeLessThanOrEqual(24);
      expect(h, p.title).toBeGreaterThan(0);
      if (p.type === 'row') continue;
      const targets = (p as Panel).targets ?? [];
      expect(targets.length, p.title).toBeGreaterThan(0);
      expect(new Set(targets.map((t) => (t as { refId?: string }).refId)).size, `${p.title} refIds`).toBe(targets.length);
      // Grafana runs a panel's queries against the panel's datasource unless it is "mixed": they must agree.
      expect(targets.map((t) => (t as { datasource?: { uid?: string } }).datasource?.uid), p.title).toEqual(targets.map(() => (p as Panel).datasource?.uid));
    }
  });

  test('panels do not overlap', () => {
    for (const d of ALL_DASHBOARDS) {
      const cells = new Set<string>();
      for (const p of panelsOf(d)) {
        const { x = 0, y = 0, w = 0, h = 0 } = p.gridPos ?? {};
        for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`), `${d.uid} / ${p.title} overlaps`).toBe(false);
          cells.add(`${i},${j}`);
        }
      }
    }
  });
});

describe('dashboard queries', () => {
  test('every target names a datasource Grafana is provisioned with, and its type', () => {
    const urls = Object.fromEntries(Object.values(DatasourceUid).map((uid) => [uid, `http://${uid}.test`]));
    const provisioned = (datasourcesProvisioning(urls, 15) as { datasources: Array<{ uid: string; type: string }> }).datasources;
    const typeOf = new Map(provisioned.map((d) => [d.uid, d.type]));
    expect(queries.filter((q) => !typeOf.has(q.datasourceUid ?? '')).map(label)).toEqual([]);
    expect(queries.filter((q) => typeOf.get(q.datasourceUid ?? '') !== q.datasourceType).map(label)).toEqual([]);
    expect(promql.length + logql.length).toBe(queries.length);
  });

  test('every variable queries a provisioned datasource and an exported metric', () => {
    const variables = ALL_DASHBOARDS.flatMap((d) => (d.templating?.list ?? []) as VariableModel[]).filter((v) => v.type === 'query');
    expect(variables.length).toBeGreaterThan(0);
    for (const v of variables) {
      expect(Object.values(DatasourceUid)).toContain(v.datasource?.uid);
      const metric = variableMetric(String(v.query));
      expect(metric, v.name).toBeDefined();
      expect(unknownMetrics(metric!), v.name).toEqual([]);
    }
  });

  test.each(promql.map((q) => [label(q), q.expr] as const))('PromQL %s parses and uses exported metrics', (_, expr) => {
    expect(expr).not.toBe('');
    expect(promqlErrors(interpolate(expr))).toEqual([]);
    expect(unknownMetrics(interpolate(expr))).toEqual([]);
  });

  test.each(logql.map((q) => [label(q), q.expr] as const))('LogQL %s parses', (_, expr) => {
    expect(logqlErrors(interpolate(expr))).toEqual([]);
  });

  test('the parsers reject broken queries, so the checks above can fail', () => {
    expect(logqlErrors('{namespace="odin" | json')).not.toEqual([]);
    expect(promqlErrors(interpolate('rate(up[$__rate_interval]'))).not.toEqual([]);
    expect(logqlErrors(interpolate('sum by (namespace) (count_over_time({namespace=~"$namespace"} [$__auto]))'))).toEqual([]);
  });
});
