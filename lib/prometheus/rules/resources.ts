import { REAL_FILESYSTEMS, RecordedMetric } from './recording.js';
import { alertTwins, componentAlerts } from './twins.js';
import { Component, RuleGroup, Severity } from './types.js';

/** Free space of real filesystems is predicted to reach zero within `hours`, and is already below `freeRatio`. */
const fillsWithin = (hours: number, freeRatio: number): string =>
  `${RecordedMetric.FILESYSTEM_AVAILABLE} < ${freeRatio} and ` +
  `predict_linear(node_filesystem_avail_bytes{${REAL_FILESYSTEMS}}[6h], ${hours} * 3600) < 0`;

const nodeAlert = componentAlerts(Component.NODE);

/** Host memory, CPU, disks and network, from node-exporter and the disk detector. */
export const resourceRules: RuleGroup = {
  name: 'odin.resources',
  rules: [
    ...alertTwins({
      alert: 'NodeMemoryHigh',
      component: Component.NODE,
      summary: 'Memory on {{ $labels.node }} is nearly used up',
      description: '{{ $labels.node }} uses {{ $value | humanizePercentage }} of its memory; the OOM killer is next.',
      warning: { expr: `${RecordedMetric.NODE_MEMORY_UTILISATION} > 0.90`, for: '5m' },
      critical: { expr: `${RecordedMetric.NODE_MEMORY_UTILISATION} > 0.97`, for: '5m' },
    }),
    ...alertTwins({
      alert: 'NodeFilesystemAlmostFull',
      component: Component.NODE,
      summary: 'Filesystem {{ $labels.mountpoint }} on {{ $labels.node }} is almost full',
      description: 'Only {{ $value | humanizePercentage }} of {{ $labels.mountpoint }} ({{ $labels.device }}) on ' +
        '{{ $labels.node }} is free.',
      warning: { expr: `${RecordedMetric.FILESYSTEM_AVAILABLE} < 0.10`, for: '5m' },
      critical: { expr: `${RecordedMetric.FILESYSTEM_AVAILABLE} < 0.05`, for: '5m' },
    }),
    ...alertTwins({
      alert: 'NodeFilesystemSpaceFillingUp',
      component: Component.NODE,
      summary: 'Filesystem {{ $labels.mountpoint }} on {{ $labels.node }} is filling up',
      description: '{{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.node }} has {{ $value | humanizePercentage }} ' +
        'free and, at the rate of the last 6 hours, will be full within a day (warning) or 4 hours (critical).',
      warning: { expr: fillsWithin(24, 0.4), for: '1h' },
      critical: { expr: fillsWithin(4, 0.2), for: '1h' },
    }),
    nodeAlert(Severity.WARNING, {
      alert: 'NodeCpuSaturated',
      expr: `${RecordedMetric.NODE_CPU_UTILISATION} > 0.95`,
      // Short bursts at 100% are what a GPU box is for; only a quarter of an hour of it starves everything else.
      for: '15m',
      annotations: {
        summary: 'CPU on {{ $labels.node }} is saturated',
        description: 'CPU on {{ $labels.node }} has been busy {{ $value | humanizePercentage }} of the time for 15 minutes.',
      },
    }),
    nodeAlert(Severity.WARNING, {
      alert: 'NodeDiskIoSaturated',
      expr: `${RecordedMetric.DISK_IO_UTILISATION} > 0.9`,
      for: '30m',
      annotations: {
        summary: 'Disk {{ $labels.device }} on {{ $labels.node }} is saturated',
        description: 'Disk {{ $labels.device }} on {{ $labels.node }} was busy {{ $value | humanizePercentage }} of the time ' +
          'for 30 minutes; everything that writes to it waits.',
      },
    }),
    nodeAlert(Severity.WARNING, {
      alert: 'NodeNetworkErrors',
      expr: 'rate(node_network_receive_errs_total[5m]) + rate(node_network_transmit_errs_total[5m]) > 1',
      for: '10m',
      annotations: {
        summary: 'Interface {{ $labels.device }} on {{ $labels.node }} has errors',
        description: 'Interface {{ $labels.device }} on {{ $labels.node }} sees {{ $value | humanize }} errors/s: ' +
          'a bad cable, driver or duplex mismatch.',
      },
    }),
    nodeAlert(Severity.WARNING, {
      alert: 'DiskFullPredicted',
      expr: 'odin_disk_days_until_full < 1',
      for: '30m',
      annotations: {
        summary: 'The disk detector predicts {{ $labels.mountpoint }} full within a day',
        description: 'At the fill rate of its training window, {{ $labels.mountpoint }} ({{ $labels.device }}) on ' +
          '{{ $labels.node }} is full in {{ $value | printf "%.1f" }} days.',
      },
    }),
  ],
};
