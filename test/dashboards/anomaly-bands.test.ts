import { describe, expect, test } from 'vitest';
import type { Panel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { ALL_DASHBOARDS } from '../../dashboards/index.js';
import { panelsOf } from '../../dashboards/inspect.js';

const dashboard = (uid: string) => ALL_DASHBOARDS.find((d) => d.uid === uid)!;
const exprs = (p: Panel) => (p.targets ?? []).map((t) => (t as { expr?: string }).expr ?? '');
const legends = (p: Panel) => (p.targets ?? []).map((t) => (t as { legendFormat?: string }).legendFormat);
const bandPanels = (uid: string) => panelsOf(dashboard(uid)).filter((p): p is Panel => p.type === 'timeseries' && exprs(p as Panel).some((e) => e.includes('odin_anomaly_expected')));

describe('anomaly panels show their expected band', () => {
  test.each(['odin-gpu', 'odin-pod-behaviour', 'odin-disk-forecast'])('%s draws value, band and score together, one panel per subject', (uid) => {
    const panels = bandPanels(uid).filter((p) => exprs(p).some((e) => e.includes('odin_anomaly_score')));
    expect(panels.length).toBeGreaterThanOrEqual(2);
    const variables = new Set((dashboard(uid).templating?.list ?? []).map((v: VariableModel) => v.name));
    for (const p of panels) {
      expect(legends(p).slice(1), p.title).toEqual(['lower', 'expected', 'upper', 'score']);
      expect(exprs(p)[0], p.title).toMatch(/^odin_anomaly_value\{/);
      const upper = p.fieldConfig?.overrides?.find((o) => o.matcher.options === 'upper');
      expect(upper?.properties, p.title).toContainEqual({ id: 'custom.fillBelowTo', value: 'lower' });
      expect(variables, p.title).toContain(p.repeat);
    }
  });

  test('the ML anomaly dashboard places every scored value in its band, next to the scores', () => {
    const panels = panelsOf(dashboard('odin-ml-anomaly')) as Panel[];
    const position = bandPanels('odin-ml-anomaly');
    expect(position).toHaveLength(1);
    expect(exprs(position[0])[0]).toMatch(/odin_anomaly_value\{.*\} - ignoring\(pod, bound\) group_left\(\) odin_anomaly_expected\{.*bound="lower"\}/);
    expect(panels.some((p) => exprs(p).some((e) => e.startsWith('odin_anomaly_score{')))).toBe(true);
    expect(panels.some((p) => exprs(p).some((e) => e.startsWith('odin_anomaly_direction{')))).toBe(true);
  });
});
