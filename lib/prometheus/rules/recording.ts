import { RuleGroup } from './types.js';

/**
 * Series the recording rules produce, named `level:metric:operations` as the Prometheus naming practice asks.
 * Alerts and dashboards name these constants, so both read the same numbers.
 */
export enum RecordedMetric {
  NODE_CPU_UTILISATION = 'instance:node_cpu_utilisation:rate5m',
  NODE_MEMORY_UTILISATION = 'instance:node_memory_utilisation:ratio',
  FILESYSTEM_AVAILABLE = 'instance_mountpoint:node_filesystem_avail:ratio',
  DISK_IO_UTILISATION = 'instance_device:node_disk_io_time_seconds:rate5m',
  NETWORK_RECEIVE_BYTES = 'instance:node_network_receive_bytes:rate5m',
  NETWORK_TRANSMIT_BYTES = 'instance:node_network_transmit_bytes:rate5m',
  GPU_MEMORY_USED = 'gpu:nvidia_gpu_memory_used:ratio',
  GPU_POWER_OF_LIMIT = 'gpu:nvidia_gpu_power_draw:ratio_of_limit',
  POD_CPU = 'namespace_pod:container_cpu_usage_seconds:rate5m',
  POD_MEMORY = 'namespace_pod:container_memory_working_set_bytes:sum',
  DETECTOR_MAX_SCORE = 'detector:odin_anomaly_score:max',
  DETECTOR_ANOMALIES = 'detector:odin_anomaly:sum',
  JOB_UP = 'job:up:ratio',
}

/**
 * Real filesystems only: pseudo and container-image filesystems are always "full" or belong to containerd, and would
 * make disk alerts fire for nothing.
 */
export const REAL_FILESYSTEMS = 'fstype!~"tmpfs|overlay|squashfs|nsfs|ramfs|fuse.lxcfs",mountpoint!~"/run/k3s/.*|/var/lib/kubelet/.*"';

/** Interfaces that carry traffic off the machine, not the loopback or the pod network's virtual ends. */
export const PHYSICAL_INTERFACES = 'device!~"lo|veth.*|cni.*|flannel.*|docker.*|cali.*"';

/** Containers of pods only: cAdvisor also reports the pod sandbox (container="") and cgroup totals (image=""). */
export const POD_CONTAINERS = 'container!="",image!=""';

const record = (name: RecordedMetric, expr: string) => ({ record: name, expr });

/** The recording rules alerts and dashboards share. Evaluated first so alert groups read fresh values. */
export const recordingRules: RuleGroup = {
  name: 'odin.recording',
  rules: [
    record(RecordedMetric.NODE_CPU_UTILISATION, '1 - avg without (cpu, mode) (rate(node_cpu_seconds_total{mode="idle"}[5m]))'),
    record(RecordedMetric.NODE_MEMORY_UTILISATION, '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes'),
    record(
      RecordedMetric.FILESYSTEM_AVAILABLE,
      `node_filesystem_avail_bytes{${REAL_FILESYSTEMS}} / node_filesystem_size_bytes{${REAL_FILESYSTEMS}}`,
    ),
    record(RecordedMetric.DISK_IO_UTILISATION, 'rate(node_disk_io_time_seconds_total[5m])'),
    record(
      RecordedMetric.NETWORK_RECEIVE_BYTES,
      `sum without (device) (rate(node_network_receive_bytes_total{${PHYSICAL_INTERFACES}}[5m]))`,
    ),
    record(
      RecordedMetric.NETWORK_TRANSMIT_BYTES,
      `sum without (device) (rate(node_network_transmit_bytes_total{${PHYSICAL_INTERFACES}}[5m]))`,
    ),
    record(RecordedMetric.GPU_MEMORY_USED, 'nvidia_gpu_memory_used_bytes / nvidia_gpu_memory_total_bytes'),
    record(RecordedMetric.GPU_POWER_OF_LIMIT, 'nvidia_gpu_power_draw_watts / nvidia_gpu_power_limit_watts'),
    record(
      RecordedMetric.POD_CPU,
      `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{${POD_CONTAINERS}}[5m]))`,
    ),
    record(RecordedMetric.POD_MEMORY, `sum by (namespace, pod) (container_memory_working_set_bytes{${POD_CONTAINERS}})`),
    record(RecordedMetric.DETECTOR_MAX_SCORE, 'max by (detector) (odin_anomaly_score)'),
    record(RecordedMetric.DETECTOR_ANOMALIES, 'sum by (detector) (odin_anomaly)'),
    record(RecordedMetric.JOB_UP, 'avg by (job) (up)'),
  ],
};
