import { RecordedMetric } from '../../../lib/prometheus/rules/index.js';
import { GPU_ALERT_LABELS, GPU_SERIES, NODE_LABELS, NODE_SERIES } from './labels.js';
import { RecordingCase } from './types.js';

const CADVISOR = 'node="node-1", job="cadvisor", namespace="shop", pod="api-7d9f", image="shop/api:1.2"';
const POD = { namespace: 'shop', pod: 'api-7d9f' };
const score = (detector: string, metric: string) => `odin_anomaly_score{job="${detector}-detector", detector="${detector}", metric="${metric}"}`;
const flag = (detector: string, metric: string) => `odin_anomaly{job="${detector}-detector", detector="${detector}", metric="${metric}"}`;

export const recordingCases: RecordingCase[] = [
  { record: RecordedMetric.NODE_CPU_UTILISATION, name: 'averages busy time over CPUs', at: '10m',
    // CPU 0 idles half the time, CPU 1 not at all: 75% busy.
    series: { [`node_cpu_seconds_total{${NODE_SERIES}, cpu="0", mode="idle"}`]: '0+30x20',
      [`node_cpu_seconds_total{${NODE_SERIES}, cpu="1", mode="idle"}`]: '0x20' },
    samples: [{ labels: NODE_LABELS, value: 0.75 }] },
  { record: RecordedMetric.NODE_MEMORY_UTILISATION, name: 'is the share not available', at: '1m',
    series: { [`node_memory_MemAvailable_bytes{${NODE_SERIES}}`]: '25x2', [`node_memory_MemTotal_bytes{${NODE_SERIES}}`]: '100x2' },
    samples: [{ labels: NODE_LABELS, value: 0.75 }] },
  { record: RecordedMetric.FILESYSTEM_AVAILABLE, name: 'covers real filesystems, not tmpfs or containerd mounts', at: '1m',
    series: {
      [`node_filesystem_avail_bytes{${NODE_SERIES}, device="/dev/sda1", fstype="ext4", mountpoint="/"}`]: '40x2',
      [`node_filesystem_size_bytes{${NODE_SERIES}, device="/dev/sda1", fstype="ext4", mountpoint="/"}`]: '160x2',
      [`node_filesystem_avail_bytes{${NODE_SERIES}, device="tmpfs", fstype="tmpfs", mountpoint="/run"}`]: '1x2',
      [`node_filesystem_size_bytes{${NODE_SERIES}, device="tmpfs", fstype="tmpfs", mountpoint="/run"}`]: '10x2',
      [`node_filesystem_avail_bytes{${NODE_SERIES}, device="/dev/sda1", fstype="ext4", mountpoint="/run/k3s/containerd/x"}`]: '1x2',
      [`node_filesystem_size_bytes{${NODE_SERIES}, device="/dev/sda1", fstype="ext4", mountpoint="/run/k3s/containerd/x"}`]: '10x2',
    },
    samples: [{ labels: { ...NODE_LABELS, device: '/dev/sda1', fstype: 'ext4', mountpoint: '/' }, value: 0.25 }] },
  { record: RecordedMetric.DISK_IO_UTILISATION, name: 'is the share of time the disk was busy', at: '10m',
    series: { [`node_disk_io_time_seconds_total{${NODE_SERIES}, device="sda"}`]: '0+15x20' },
    samples: [{ labels: { ...NODE_LABELS, device: 'sda' }, value: 0.25 }] },
  { record: RecordedMetric.NETWORK_RECEIVE_BYTES, name: 'sums physical interfaces, not loopback or pod veths', at: '10m',
    series: { [`node_network_receive_bytes_total{${NODE_SERIES}, device="eth0"}`]: '0+600x20',
      [`node_network_receive_bytes_total{${NODE_SERIES}, device="wlan0"}`]: '0+60x20',
      [`node_network_receive_bytes_total{${NODE_SERIES}, device="lo"}`]: '0+6000x20',
      [`node_network_receive_bytes_total{${NODE_SERIES}, device="veth12ab"}`]: '0+6000x20' },
    samples: [{ labels: NODE_LABELS, value: 11 }] },
  { record: RecordedMetric.NETWORK_TRANSMIT_BYTES, name: 'sums physical interfaces', at: '10m',
    series: { [`node_network_transmit_bytes_total{${NODE_SERIES}, device="eth0"}`]: '0+120x20',
      [`node_network_transmit_bytes_total{${NODE_SERIES}, device="cni0"}`]: '0+6000x20' },
    samples: [{ labels: NODE_LABELS, value: 2 }] },
  { record: RecordedMetric.GPU_MEMORY_USED, name: 'is used over total', at: '1m',
    series: { [`nvidia_gpu_memory_used_bytes{${GPU_SERIES}}`]: '20x2', [`nvidia_gpu_memory_total_bytes{${GPU_SERIES}}`]: '80x2' },
    samples: [{ labels: { ...GPU_ALERT_LABELS, job: 'gpu-exporter' }, value: 0.25 }] },
  { record: RecordedMetric.GPU_POWER_OF_LIMIT, name: 'is draw over limit', at: '1m',
    series: { [`nvidia_gpu_power_draw_watts{${GPU_SERIES}}`]: '350x2', [`nvidia_gpu_power_limit_watts{${GPU_SERIES}}`]: '700x2' },
    samples: [{ labels: { ...GPU_ALERT_LABELS, job: 'gpu-exporter' }, value: 0.5 }] },
  { record: RecordedMetric.POD_CPU, name: 'sums the containers of a pod, not its sandbox or cgroup totals', at: '10m',
    series: { [`container_cpu_usage_seconds_total{${CADVISOR}, container="api"}`]: '0+30x20',
      [`container_cpu_usage_seconds_total{${CADVISOR}, container="sidecar"}`]: '0+6x20',
      [`container_cpu_usage_seconds_total{${CADVISOR}, container=""}`]: '0+600x20' },
    samples: [{ labels: POD, value: 0.6 }] },
  { record: RecordedMetric.POD_MEMORY, name: 'sums the containers of a pod', at: '1m',
    series: { [`container_memory_working_set_bytes{${CADVISOR}, container="api"}`]: '300x2',
      [`container_memory_working_set_bytes{${CADVISOR}, container="sidecar"}`]: '100x2',
      [`container_memory_working_set_bytes{${CADVISOR}, container=""}`]: '9000x2' },
    samples: [{ labels: POD, value: 400 }] },
  { record: RecordedMetric.DETECTOR_MAX_SCORE, name: 'is the highest score of each detector', at: '1m',
    series: { [score('gpu', 'temperature')]: '40x2', [score('gpu', 'power')]: '93x2', [score('disk', 'io')]: '12x2' },
    samples: [{ labels: { detector: 'disk' }, value: 12 }, { labels: { detector: 'gpu' }, value: 93 }] },
  { record: RecordedMetric.DETECTOR_ANOMALIES, name: 'counts anomalous series per detector', at: '1m',
    series: { [flag('gpu', 'temperature')]: '1x2', [flag('gpu', 'power')]: '1x2', [flag('disk', 'io')]: '0x2' },
    samples: [{ labels: { detector: 'disk' }, value: 0 }, { labels: { detector: 'gpu' }, value: 2 }] },
  { record: RecordedMetric.JOB_UP, name: 'is the share of a job\'s targets that answer', at: '1m',
    series: { 'up{job="loki", instance="a"}': '1x2', 'up{job="loki", instance="b"}': '0x2', 'up{job="grafana", instance="c"}': '1x2' },
    samples: [{ labels: { job: 'grafana' }, value: 1 }, { labels: { job: 'loki' }, value: 0.5 }] },
];
