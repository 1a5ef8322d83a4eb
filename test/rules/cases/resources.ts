import { NODE_LABELS, NODE_SERIES, withRuleLabels } from './labels.js';
import { AlertCase } from './types.js';

const NODE = { ...NODE_LABELS };
const ROOT = { ...NODE, device: '/dev/nvme0n1p2', fstype: 'ext4', mountpoint: '/' };
const ROOT_SERIES = `${NODE_SERIES}, device="/dev/nvme0n1p2", fstype="ext4", mountpoint="/"`;
const node = (severity: string, labels: Record<string, string> = NODE) => withRuleLabels(severity, 'node', labels);

const memory = (availablePercent: string) => ({
  [`node_memory_MemAvailable_bytes{${NODE_SERIES}}`]: availablePercent,
  [`node_memory_MemTotal_bytes{${NODE_SERIES}}`]: '100x30',
});
const memoryHigh = (used: string) => ({
  summary: 'Memory on node-1 is nearly used up',
  description: `node-1 uses ${used} of its memory; the OOM killer is next.`,
});

const rootFs = (available: string) => ({
  [`node_filesystem_avail_bytes{${ROOT_SERIES}}`]: available,
  [`node_filesystem_size_bytes{${ROOT_SERIES}}`]: '1000x200',
});
const almostFull = (free: string) => ({
  summary: 'Filesystem / on node-1 is almost full',
  description: `Only ${free} of / (/dev/nvme0n1p2) on node-1 is free.`,
});
const fillingUp = (free: string) => ({
  summary: 'Filesystem / on node-1 is filling up',
  description: `/ (/dev/nvme0n1p2) on node-1 has ${free} free and, at the rate of the last 6 hours, will be full ` +
    'within a day (warning) or 4 hours (critical).',
});

const DISK = `node="node-1", instance="10.42.0.9:9408", job="disk-detector", device="/dev/nvme0n1p2", mountpoint="/"`;

export const resourceCases: AlertCase[] = [
  { alert: 'NodeMemoryHigh', name: 'warns at 92% for 5m', series: memory('8x30'), at: '6m',
    fires: [{ labels: node('warning'), ...memoryHigh('92%') }] },
  { alert: 'NodeMemoryHigh', name: 'pages at 98% for 5m', series: memory('2x30'), at: '6m',
    fires: [{ labels: node('warning'), ...memoryHigh('98%') }, { labels: node('critical'), ...memoryHigh('98%') }] },
  { alert: 'NodeMemoryHigh', name: 'quiet at 85%', series: memory('15x30'), at: '20m', fires: [] },
  { alert: 'NodeMemoryHigh', name: 'quiet when 95% lasts a minute', series: memory('20x4 5x3'), at: '6m', fires: [] },

  { alert: 'NodeFilesystemAlmostFull', name: 'warns at 8% free', series: rootFs('80x10'), at: '6m',
    fires: [{ labels: node('warning', ROOT), ...almostFull('8%') }] },
  { alert: 'NodeFilesystemAlmostFull', name: 'pages at 3% free', series: rootFs('30x10'), at: '6m',
    fires: [{ labels: node('warning', ROOT), ...almostFull('3%') }, { labels: node('critical', ROOT), ...almostFull('3%') }] },
  { alert: 'NodeFilesystemAlmostFull', name: 'quiet at 20% free and on a full tmpfs',
    series: { ...rootFs('200x10'),
      [`node_filesystem_avail_bytes{${NODE_SERIES}, device="tmpfs", fstype="tmpfs", mountpoint="/run"}`]: '0x10',
      [`node_filesystem_size_bytes{${NODE_SERIES}, device="tmpfs", fstype="tmpfs", mountpoint="/run"}`]: '1000x10' },
    at: '10m', fires: [] },

  { alert: 'NodeFilesystemSpaceFillingUp', name: 'warns when full within a day for 1h', series: rootFs('390-1x200'), at: '90m',
    fires: [{ labels: node('warning', ROOT), ...fillingUp('30%') }] },
  { alert: 'NodeFilesystemSpaceFillingUp', name: 'pages when full within 4 hours for 1h', series: rootFs('250-1x200'),
    at: '150m', fires: [{ labels: node('warning', ROOT), ...fillingUp('10%') }, { labels: node('critical', ROOT), ...fillingUp('10%') }] },
  { alert: 'NodeFilesystemSpaceFillingUp', name: 'quiet while usage is flat', series: rootFs('300x200'), at: '120m', fires: [] },
  { alert: 'NodeFilesystemSpaceFillingUp', name: 'quiet before the trend lasted 1h', series: rootFs('390-1x200'), at: '50m',
    fires: [] },

  { alert: 'NodeCpuSaturated', name: 'warns at 97% busy for 15m',
    series: { [`node_cpu_seconds_total{${NODE_SERIES}, cpu="0", mode="idle"}`]: '0+1.8x30' }, at: '25m',
    fires: [{ labels: node('warning'), summary: 'CPU on node-1 is saturated',
      description: 'CPU on node-1 has been busy 97% of the time for 15 minutes.' }] },
  { alert: 'NodeCpuSaturated', name: 'quiet at 80% busy',
    series: { [`node_cpu_seconds_total{${NODE_SERIES}, cpu="0", mode="idle"}`]: '0+12x30' }, at: '25m', fires: [] },

  { alert: 'NodeDiskIoSaturated', name: 'warns at 95% busy for 30m',
    series: { [`node_disk_io_time_seconds_total{${NODE_SERIES}, device="nvme0n1"}`]: '0+57x60' }, at: '40m',
    fires: [{ labels: node('warning', { ...NODE, device: 'nvme0n1' }), summary: 'Disk nvme0n1 on node-1 is saturated',
      description: 'Disk nvme0n1 on node-1 was busy 95% of the time for 30 minutes; everything that writes to it waits.' }] },
  { alert: 'NodeDiskIoSaturated', name: 'quiet at 50% busy',
    series: { [`node_disk_io_time_seconds_total{${NODE_SERIES}, device="nvme0n1"}`]: '0+30x60' }, at: '40m', fires: [] },

  { alert: 'NodeNetworkErrors', name: 'warns at 2 errors/s for 10m',
    series: { [`node_network_receive_errs_total{${NODE_SERIES}, device="eth0"}`]: '0+120x30',
      [`node_network_transmit_errs_total{${NODE_SERIES}, device="eth0"}`]: '0x30' }, at: '15m',
    fires: [{ labels: node('warning', { ...NODE, device: 'eth0' }), summary: 'Interface eth0 on node-1 has errors',
      description: 'Interface eth0 on node-1 sees 2 errors/s: a bad cable, driver or duplex mismatch.' }] },
  { alert: 'NodeNetworkErrors', name: 'quiet at 0.5 errors/s',
    series: { [`node_network_receive_errs_total{${NODE_SERIES}, device="eth0"}`]: '0+30x30',
      [`node_network_transmit_errs_total{${NODE_SERIES}, device="eth0"}`]: '0x30' }, at: '15m', fires: [] },

  { alert: 'DiskFullPredicted', name: 'warns when the detector forecasts full in half a day',
    series: { [`odin_disk_days_until_full{${DISK}}`]: '0.5x60' }, at: '40m',
    fires: [{ labels: { node: 'node-1', instance: '10.42.0.9:9408', job: 'disk-detector', device: '/dev/nvme0n1p2', mountpoint: '/',
      severity: 'warning', component: 'node' },
    summary: 'The disk detector predicts / full within a day',
    description: 'At the fill rate of its training window, / (/dev/nvme0n1p2) on node-1 is full in 0.5 days.' }] },
  { alert: 'DiskFullPredicted', name: 'quiet at 3 days', series: { [`odin_disk_days_until_full{${DISK}}`]: '3x60' }, at: '40m',
    fires: [] },
];
