import { StackingConfigBuilder, StackingMode } from '@grafana/grafana-foundation-sdk/common';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { REAL_FILESYSTEMS, RecordedMetric } from '../lib/prometheus/rules/index.js';
import { NODE, instantQuery, nodeVariable, odinDashboard, promQuery, row, statPanel, tablePanel, timeseriesPanel } from './common.js';

/** Series drawn on top of each other, so the stack's height is the total. */
const stacked = () => new StackingConfigBuilder().mode(StackingMode.Normal);

const pressure = (resource: string) =>
  promQuery(`rate(node_pressure_${resource}_waiting_seconds_total{${NODE}}[$__rate_interval])`, `${resource} {{node}}`);

/** One node in depth, from node-exporter. */
export const nodeDetailDashboard = (): DashboardBuilder =>
  odinDashboard('odin-node-detail', 'ODIN / Node detail', 'CPU, memory, pressure, filesystems and sensors of the selected nodes.')
    .withVariable(nodeVariable())
    .withRow(row('Summary'))
    .withPanel(statPanel('Uptime', units.DurationSeconds, [promQuery(`node_time_seconds{${NODE}} - node_boot_time_seconds{${NODE}}`)]))
    .withPanel(statPanel('CPU busy', units.PercentUnit, [promQuery(`${RecordedMetric.NODE_CPU_UTILISATION}{${NODE}}`)], {},
      [[null, 'green'], [0.8, 'orange'], [0.95, 'red']]))
    .withPanel(statPanel('Memory used', units.PercentUnit, [promQuery(`${RecordedMetric.NODE_MEMORY_UTILISATION}{${NODE}}`)], {},
      [[null, 'green'], [0.8, 'orange'], [0.9, 'red']]))
    .withPanel(statPanel('Load (5m)', units.Short, [promQuery(`node_load5{${NODE}}`)]))
    .withPanel(tablePanel('Kernel', units.NoUnit, [instantQuery(`node_uname_info{${NODE}}`)], { span: 24, height: 4 }))
    .withRow(row('CPU and memory'))
    .withPanel(timeseriesPanel('CPU by mode', units.PercentUnit, [promQuery(
      `sum by (mode) (rate(node_cpu_seconds_total{${NODE}, mode!="idle"}[$__rate_interval])) / ` +
      `scalar(count(node_cpu_seconds_total{${NODE}, mode="idle"}))`, '{{mode}}')]).stacking(stacked()))
    .withPanel(timeseriesPanel('Load', units.Short, [
      promQuery(`node_load1{${NODE}}`, '1m'), promQuery(`node_load5{${NODE}}`, '5m'), promQuery(`node_load15{${NODE}}`, '15m'),
    ]))
    .withPanel(timeseriesPanel('Memory', units.BytesIEC, [
      promQuery(`node_memory_MemTotal_bytes{${NODE}} - node_memory_MemAvailable_bytes{${NODE}}`, 'used'),
      promQuery(`node_memory_MemAvailable_bytes{${NODE}}`, 'available'),
      promQuery(`node_memory_SwapTotal_bytes{${NODE}} - node_memory_SwapFree_bytes{${NODE}}`, 'swap used'),
    ]))
    .withPanel(timeseriesPanel('Pressure (time stalled)', units.PercentUnit, [pressure('cpu'), pressure('memory'), pressure('io')]))
    .withRow(row('Filesystems and sensors'))
    .withPanel(tablePanel('Filesystems', units.BytesIEC, [
      instantQuery(`node_filesystem_size_bytes{${NODE}, ${REAL_FILESYSTEMS}}`, 'size'),
      instantQuery(`node_filesystem_avail_bytes{${NODE}, ${REAL_FILESYSTEMS}}`, 'available'),
    ]))
    .withPanel(timeseriesPanel('Inodes free', units.PercentUnit, [promQuery(
      `node_filesystem_files_free{${NODE}, ${REAL_FILESYSTEMS}} / node_filesystem_files{${NODE}, ${REAL_FILESYSTEMS}}`, '{{mountpoint}}')]))
    .withPanel(timeseriesPanel('Sensors', units.Celsius, [promQuery(`node_hwmon_temp_celsius{${NODE}}`, '{{chip}} {{sensor}}')]));
