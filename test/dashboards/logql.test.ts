import { describe, expect, test } from 'vitest';
import { ALL_DASHBOARDS, DatasourceUid } from '../../dashboards/index.js';
import { queriesOf } from '../../dashboards/inspect.js';
import { synthStack } from '../helpers.js';
import { dashboardVariables, substitute } from './grafana-variables.js';
import { refusedSelectors, unmatchedStreamLabels } from './logql.js';
import { promtailStreamLabels } from './promtail-labels.js';

/** Grafana's defaults for a 1-hour range drawn on ~1,000 points with a 15 s scrape interval. */
const MACROS = { interval: '15s', rateInterval: '1m', auto: '15s', range: '1h' };

/** Every LogQL query as Grafana sends it with each variable at its default ("All", or a text box's default text). */
const logql = ALL_DASHBOARDS.flatMap((d) => queriesOf(d)
  .filter((q) => q.datasourceUid === DatasourceUid.LOKI)
  .map((q) => [`${q.dashboard} / ${q.panel}`, substitute(q.expr, dashboardVariables(d), MACROS)] as const));
const streams = promtailStreamLabels(synthStack());

describe('LogQL as Loki receives it', () => {
  test('there are LogQL panels to check', () => {
    expect(logql.length).toBeGreaterThan(5);
  });

  test.each(logql)('%s has a matcher that cannot match the empty string in every selector', (_, expr) => {
    expect(refusedSelectors(expr)).toEqual([]);
  });

  test.each(logql)('%s selects labels Promtail attaches, with values it can have', (_, expr) => {
    expect(unmatchedStreamLabels(expr, streams)).toEqual([]);
  });

  test('Loki\'s rule and the label check reject what they should', () => {
    expect(refusedSelectors('{namespace=~".*"} |~ "x"')).toEqual(['{namespace=~".*"}']);
    expect(refusedSelectors('sum(count_over_time({namespace=~".*", job=""} [5m]))')).toHaveLength(1);
    expect(refusedSelectors('{namespace=~".+"}')).toEqual([]);
    expect(refusedSelectors('{namespace!=""}')).toEqual([]);
    expect(refusedSelectors('{app=~"a|"} or {app="b"}')).toEqual(['{app=~"a|"}']);
    expect(unmatchedStreamLabels('{pod_name="x"}', streams)).toEqual(["label 'pod_name' is never attached"]);
    expect(unmatchedStreamLabels('{job="kubernetes-pods"}', streams)).toHaveLength(1);
    expect(unmatchedStreamLabels('{container=~".+-detector", namespace="odin"}', streams)).toEqual([]);
  });

  test('Promtail\'s labels come from its synthesized configuration', () => {
    expect([...streams.names].sort()).toEqual(expect.arrayContaining(['namespace', 'pod', 'container', 'node', 'job', 'unit', 'filename']));
    expect([...streams.values.get('job')!].sort()).toEqual(['systemd-journal', 'varlog']);
  });
});
