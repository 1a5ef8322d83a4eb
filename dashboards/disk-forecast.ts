import * as units from '@grafana/grafana-foundation-sdk/units';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { REAL_FILESYSTEMS, RecordedMetric } from '../lib/prometheus/rules/index.js';
import {
  NODE, anomalyBandPanel, anomalyScorePanel, deviceVariable, instantQuery, nodeVariable, odinDashboard, promQuery, row, tablePanel,
  timeseriesPanel,
} from './common.js';

const FILESYSTEMS = `${NODE}, ${REAL_FILESYSTEMS}`;

const DISK_SCORES = `detector="disk", ${NODE}, device=~"$device"`;

/** One of the three I/O rates the disk detector scores together, against its band (the other two held as they were). */
const ioBandPanel = (feature: string, title: string, unit: string) =>
  anomalyBandPanel(`${title} against its expected range ($device)`, unit, { selector: `${DISK_SCORES}, feature="${feature}"`, scoreSelector: DISK_SCORES },
    { variable: 'device', perRow: 3 }, { span: 8 });

/** When each filesystem fills up, by the disk detector's regression and by Prometheus's own predict_linear. */
export const diskForecastDashboard = (): DashboardBuilder =>
  odinDashboard('odin-disk-forecast', 'ODIN / Disk forecast', 'Days until each filesystem is full, fill rates and disk I/O.')
    .withVariable(nodeVariable())
    .withVariable(deviceVariable())
    .withRow(row('Forecast'))
    .withPanel(tablePanel('Days until full (disk detector)', units.Days,
      [instantQuery('sort(odin_disk_days_until_full)')], { span: 12 }))
    .withPanel(timeseriesPanel('Days until full over time', units.Days,
      [promQuery('odin_disk_days_until_full', '{{mountpoint}} {{node}}')]).min(0))
    .withPanel(timeseriesPanel('Fill rate (disk detector)', units.BytesPerSecondSI,
      [promQuery('odin_disk_fill_rate_bytes_per_second', '{{mountpoint}} {{node}}')]))
    .withPanel(timeseriesPanel('Free space in 24 h (predict_linear over 6 h)', units.BytesIEC,
      [promQuery(`predict_linear(node_filesystem_avail_bytes{${FILESYSTEMS}}[6h], 86400)`, '{{mountpoint}} {{node}}')]))
    .withRow(row('Now'))
    .withPanel(timeseriesPanel('Free space', units.PercentUnit,
      [promQuery(`${RecordedMetric.FILESYSTEM_AVAILABLE}{${NODE}}`, '{{mountpoint}} {{node}}')]).min(0).max(1))
    .withPanel(timeseriesPanel('Disk busy', units.PercentUnit,
      [promQuery(`${RecordedMetric.DISK_IO_UTILISATION}{${NODE}}`, '{{device}} {{node}}')]).max(1))
    .withPanel(timeseriesPanel('Read and write throughput', units.BytesPerSecondSI, [
      promQuery(`rate(node_disk_read_bytes_total{${NODE}}[$__rate_interval])`, 'read {{device}}'),
      promQuery(`-rate(node_disk_written_bytes_total{${NODE}}[$__rate_interval])`, 'write {{device}}'),
    ]))
    .withPanel(anomalyScorePanel('Disk I/O anomaly scores', 'detector="disk"', '{{device}} {{metric}}'))
    .withRow(row('I/O against its expected range (disk detector)'))
    .withPanel(ioBandPanel('io_time', 'Time busy', units.PercentUnit))
    .withPanel(ioBandPanel('read_bytes', 'Reads', units.BytesPerSecondSI))
    .withPanel(ioBandPanel('written_bytes', 'Writes', units.BytesPerSecondSI));
