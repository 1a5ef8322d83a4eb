import type { PrometheusClient, Series } from '../runtime/mode.js';

/**
 * Filesystem types that are not disks: memory-backed (tmpfs, ramfs), container layers (overlay), read-only
 * images (squashfs, iso9660) and kernel pseudo filesystems. They fill and empty with workloads, not with data.
 */
export const DEFAULT_EXCLUDED_FSTYPES = 'tmpfs|devtmpfs|ramfs|overlay|squashfs|iso9660|nsfs|proc|sysfs|cgroup2?|autofs|fuse\\.lxcfs|tracefs';

/** One filesystem's free space over the forecast window. */
export interface FilesystemHistory {
  /** The node (see `nodeOf`), and the node-exporter `device` and `mountpoint` labels. */
  readonly node: string;
  readonly device: string;
  readonly mountpoint: string;
  readonly sizeBytes: number;
  readonly availSamples: ReadonlyArray<readonly [number, number]>;
}

/** Free bytes over the window (one range query) and current sizes (one instant query) of every disk filesystem. */
export async function fetchFilesystems(
  prometheus: PrometheusClient, excludedFstypes: string,
  range: { startSec: number; endSec: number; stepSec: number }, signal: AbortSignal,
): Promise<FilesystemHistory[]> {
  // JSON string escaping is PromQL's (Go's): the regex's backslashes and quotes survive as written.
  const selector = `{fstype!~${JSON.stringify(excludedFstypes)}}`;
  const [avail, size] = await Promise.all([
    prometheus.queryRange(`node_filesystem_avail_bytes${selector}`, range.startSec, range.endSec, range.stepSec, signal),
    prometheus.query(`node_filesystem_size_bytes${selector}`, undefined, signal),
  ]);
  const sizes = new Map(size.map((s) => [filesystemKey(s), s.points[s.points.length - 1]?.[1] ?? NaN]));
  return avail.flatMap((s) => {
    const sizeBytes = sizes.get(filesystemKey(s));
    if (sizeBytes === undefined || !(sizeBytes > 0)) return [];
    return [{ node: nodeOf(s), device: s.labels.device ?? '', mountpoint: s.labels.mountpoint ?? '', sizeBytes, availSamples: s.points }];
  });
}

function filesystemKey(s: Series): string {
  return `${nodeOf(s)}\u0000${s.labels.device}\u0000${s.labels.mountpoint}`;
}

/**
 * The node a node-exporter series is about: the `node` label the stack's scrape jobs attach (the Kubernetes
 * node name, which alerts and dashboards show), else the `instance` (a plain static scrape).
 */
function nodeOf(s: Series): string {
  return s.labels.node ?? s.labels.instance ?? '';
}

/** The I/O series scored together by the forest, in feature order. */
export const IO_METRICS = [
  { name: 'io_time', query: (w: string) => `rate(node_disk_io_time_seconds_total[${w}])` },
  { name: 'read_bytes', query: (w: string) => `rate(node_disk_read_bytes_total[${w}])` },
  { name: 'written_bytes', query: (w: string) => `rate(node_disk_written_bytes_total[${w}])` },
] as const;

/** One disk's I/O rates at a moment, in IO_METRICS order. */
export interface DeviceIoRow {
  readonly timestampSec: number;
  readonly values: readonly number[];
}

/** Disk I/O rows keyed by `node/device`: the three rates joined on their timestamps (a row needs all three). */
export type DeviceIo = Map<string, DeviceIoRow[]>;

/** The I/O rates of every disk at `atSec`: one instant query per rate, all at the same time so that they join. */
export async function fetchCurrentIo(prometheus: PrometheusClient, rateWindow: string, atSec: number, signal: AbortSignal): Promise<DeviceIo> {
  const results = await Promise.all(IO_METRICS.map((m) => prometheus.query(m.query(rateWindow), atSec, signal)));
  return joinIo(results);
}

/** The I/O rates of every disk over the training window: one range query per rate. */
export async function fetchIoHistory(
  prometheus: PrometheusClient, rateWindow: string, range: { startSec: number; endSec: number; stepSec: number }, signal: AbortSignal,
): Promise<DeviceIo> {
  const results = await Promise.all(IO_METRICS.map((m) => prometheus.queryRange(m.query(rateWindow), range.startSec, range.endSec, range.stepSec, signal)));
  return joinIo(results);
}

/** `node/device`, the key of a disk in `DeviceIo` and the store. */
function deviceKey(node: string, device: string): string {
  return `${node}/${device}`;
}

/** The node and device of a `deviceKey` (a node name or host:port holds no slash; a device name may). */
export function parseDeviceKey(key: string): { node: string; device: string } {
  const slash = key.indexOf('/');
  return { node: key.slice(0, slash), device: key.slice(slash + 1) };
}

function joinIo(perMetric: ReadonlyArray<readonly Series[]>): DeviceIo {
  const byDevice = new Map<string, Map<number, number[]>>();
  perMetric.forEach((seriesList, metricIndex) => {
    for (const s of seriesList) {
      const key = deviceKey(nodeOf(s), s.labels.device ?? '');
      const rows = byDevice.get(key) ?? new Map<number, number[]>();
      byDevice.set(key, rows);
      for (const [t, v] of s.points) {
        const row = rows.get(t) ?? new Array<number>(perMetric.length).fill(NaN);
        row[metricIndex] = v;
        rows.set(t, row);
      }
    }
  });
  const joined: DeviceIo = new Map();
  for (const [key, rows] of byDevice) {
    const complete = [...rows].filter(([, values]) => values.every(Number.isFinite)).sort(([a], [b]) => a - b);
    if (complete.length > 0) joined.set(key, complete.map(([timestampSec, values]) => ({ timestampSec, values })));
  }
  return joined;
}
