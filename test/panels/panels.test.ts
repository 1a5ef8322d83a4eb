/**
 * `npm run check:panels` inside the test suite: every dashboard query, variable query and rule has data against a
 * real Prometheus fed by real exporters and upstream recordings, except the hardware-dependent ones the allow-list
 * names. A control dashboard of known-broken queries runs in the same check, to show it can fail.
 */
import { DashboardBuilder, TextBoxVariableBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildDashboard, logsPanel, nodeVariable, promQuery, timeseriesPanel } from '../../dashboards/common.js';
import { ALL_DASHBOARDS } from '../../dashboards/index.js';
import { ALL_RULE_GROUPS } from '../../lib/prometheus/rules/index.js';
import { synthStack } from '../helpers.js';
import { HARDWARE_DEPENDENT } from './allowed-empty.js';
import { PanelReport, runPanelCheck } from './panel-check.js';

const CONTROL_UID = 'panel-check-control';

/** Queries that must come out empty: each repeats a mistake the check exists to catch. */
const control = buildDashboard(new DashboardBuilder('control').uid(CONTROL_UID)
  .withVariable(nodeVariable())
  .withVariable(new TextBoxVariableBuilder('search').defaultValue(''))
  .withPanel(timeseriesPanel('grouped by an attribute the metric lacks', 'short',
    [promQuery('sum by (tool, decision) (increase(claude_code_code_edit_tool_decision_count_total[1h]))', '{{tool}} {{decision}}')]))
  .withPanel(timeseriesPanel('a name cAdvisor does not export', 'short', [promQuery('container_memory_rss_bytes')]))
  .withPanel(timeseriesPanel('offset after an aggregation', 'short', [promQuery('max by (gpu) (nvidia_gpu_power_draw_watts) offset 1w')]))
  .withPanel(timeseriesPanel('filtered on a label the series lack', 'short', [promQuery('target_info{node=~"$node"}')]))
  .withPanel(logsPanel('a selector Loki refuses', '{namespace=~".*"} |~ "$search"')));

let report: PanelReport;
const forDashboard = (uid: string, r: PanelReport) => r.results.filter((x) => x.item.name.startsWith(`${uid} /`));

beforeAll(async () => {
  report = await runPanelCheck(synthStack(), [...ALL_DASHBOARDS, control], ALL_RULE_GROUPS);
}, 300_000);

describe('panel check (real Prometheus, real exporters, upstream recordings)', () => {
  test('every query of the dashboards and rules has data, but for the hardware-dependent ones', () => {
    const real = report.empty.filter((e) => !e.result.item.name.startsWith(`${CONTROL_UID} /`));
    const n = report.results.length - forDashboard(CONTROL_UID, report).length;
    const m = real.length;
    const k = real.filter((e) => e.allowed !== undefined).length;
    // The line npm run check:panels prints last, for the dashboards and rules alone.
    expect(`panels: ${n} queries, ${m} empty, ${k} allowed`).toMatch(/^panels: \d+ queries, \d+ empty, \d+ allowed$/);
    expect(real.filter((e) => e.allowed === undefined).map((e) => `${e.result.item.name}: ${e.result.notes.join('; ')}`)).toEqual([]);
    expect(m).toBe(k);
    expect(n).toBeGreaterThan(250);
  });

  test('every panel, variable and rule was checked, LogQL included', () => {
    const kinds = new Set(report.results.map((r) => `${r.item.kind}/${r.item.language}`));
    expect([...kinds].sort()).toEqual(['alert rule/promql', 'panel/logql', 'panel/promql', 'recording rule/promql', 'variable/promql']);
    expect(report.lines.at(-1)).toMatch(/^panels: \d+ queries, \d+ empty, \d+ allowed$/);
  });

  test('every catalog name is produced by an exporter or a recording, but for the hardware-dependent ones', () => {
    expect(report.unseenNames.filter((u) => u.allowed === undefined).map((u) => u.name)).toEqual([]);
    for (const { allowed } of report.unseenNames) expect(HARDWARE_DEPENDENT.map((h) => h.reason)).toContain(allowed);
  });

  test('the control queries come out empty, each for its mistake', () => {
    const notes = Object.fromEntries(forDashboard(CONTROL_UID, report).map((r) => [r.item.name.split(' / ')[1], r.empty ? r.notes.join('; ') : '']));
    expect(notes['grouped by an attribute the metric lacks']).toMatch(/groups by tool,/);
    expect(notes['a name cAdvisor does not export']).toMatch(/no series with All/);
    expect(notes['offset after an aggregation']).toMatch(/parse error/);
    expect(notes['filtered on a label the series lack']).toMatch(/^no series with a value picked$/);
    expect(notes['a selector Loki refuses']).toMatch(/Loki refuses \{namespace=~".\*"\}/);
    expect(report.empty.filter((e) => e.result.item.name.startsWith(`${CONTROL_UID} /`)).every((e) => e.allowed === undefined)).toBe(true);
  });
});
