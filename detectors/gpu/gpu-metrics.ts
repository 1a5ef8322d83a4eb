/** The GPU exporter's metrics (names as in lib/exporters/exported-metrics.ts), per GPU with gpu/uuid/name labels. */
import { Counter, Gauge, type Registry } from 'prom-client';
import { CLOCKS_EVENT_REASONS, type GpuReading, type NvidiaSmiFailure } from './nvidia-smi.js';

const GPU_LABELS = ['gpu', 'uuid', 'name'] as const;
type GpuLabel = (typeof GPU_LABELS)[number];

const MIB = 1024 * 1024;
const MHZ = 1e6;

/** Gauge name, help, and how to read it from a reading (already in base units). */
const GPU_GAUGES: ReadonlyArray<readonly [string, string, (r: GpuReading) => number | undefined]> = [
  ['nvidia_gpu_temperature_celsius', 'GPU core temperature.', (r) => r.temperatureCelsius],
  ['nvidia_gpu_memory_temperature_celsius', 'GPU memory (HBM) temperature.', (r) => r.memoryTemperatureCelsius],
  ['nvidia_gpu_power_draw_watts', 'Power drawn by the GPU board.', (r) => r.powerDrawWatts],
  ['nvidia_gpu_power_limit_watts', 'Power limit of the GPU.', (r) => r.powerLimitWatts],
  ['nvidia_gpu_utilization_gpu', 'Percent of time a kernel was running on the GPU (0-100).', (r) => r.utilizationGpuPercent],
  ['nvidia_gpu_utilization_memory', 'Percent of time device memory was read or written (0-100).', (r) => r.utilizationMemoryPercent],
  ['nvidia_gpu_memory_used_bytes', 'Device memory in use.', (r) => scale(r.memoryUsedMiB, MIB)],
  ['nvidia_gpu_memory_total_bytes', 'Device memory in total.', (r) => scale(r.memoryTotalMiB, MIB)],
  ['nvidia_gpu_clock_sm_hertz', 'Current SM clock.', (r) => scale(r.clockSmMHz, MHZ)],
  ['nvidia_gpu_clock_sm_max_hertz', 'Maximum SM clock.', (r) => scale(r.clockSmMaxMHz, MHZ)],
  ['nvidia_gpu_fan_speed_ratio', 'Fan speed as a ratio of its maximum (absent on passively cooled GPUs).', (r) => scale(r.fanSpeedPercent, 0.01)],
];

function scale(value: number | undefined, factor: number): number | undefined {
  return value === undefined ? undefined : value * factor;
}

export class GpuExporterMetrics {
  private readonly gauges: Array<[Gauge<GpuLabel>, (r: GpuReading) => number | undefined]>;
  private readonly info: Gauge<GpuLabel | 'driver_version'>;
  private readonly clocksEventReason: Gauge<GpuLabel | 'reason'>;
  private readonly up: Gauge;
  private readonly errors: Counter<'reason'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.gauges = GPU_GAUGES.map(([name, help, read]) => [new Gauge({ name, help, labelNames: GPU_LABELS, registers }), read]);
    this.info = new Gauge({ name: 'nvidia_gpu_info', help: 'Always 1; labels identify the GPU and its driver.', labelNames: [...GPU_LABELS, 'driver_version'], registers });
    this.clocksEventReason = new Gauge({ name: 'nvidia_gpu_clocks_event_reason_active', help: '1 while nvidia-smi reports the clocks-event (throttle) reason as active.', labelNames: [...GPU_LABELS, 'reason'], registers });
    this.up = new Gauge({ name: 'nvidia_smi_up', help: '1 when the last nvidia-smi query succeeded.', registers });
    this.errors = new Counter({ name: 'nvidia_smi_errors_total', help: 'Failed nvidia-smi queries and unreadable lines, by reason.', labelNames: ['reason'], registers });
    for (const reason of ['not_found', 'timeout', 'exit', 'parse'] satisfies NvidiaSmiFailure[]) this.errors.inc({ reason }, 0);
  }

  /** Replaces every GPU series with this reading (a GPU that disappeared loses its series). */
  record(gpus: readonly GpuReading[]): void {
    this.resetGpuSeries();
    for (const gpu of gpus) {
      const labels = { gpu: gpu.index, uuid: gpu.uuid, name: gpu.name };
      this.info.set({ ...labels, driver_version: gpu.driverVersion }, 1);
      for (const [gauge, read] of this.gauges) {
        const value = read(gpu);
        if (value !== undefined) gauge.set(labels, value);
      }
      for (const reason of CLOCKS_EVENT_REASONS) {
        const active = gpu.clocksEventReasons[reason];
        if (active !== undefined) this.clocksEventReason.set({ ...labels, reason }, active ? 1 : 0);
      }
    }
    this.up.set(1);
  }

  /** nvidia-smi failed: no GPU series (stale values would look current), up 0, the error counted. */
  recordFailure(reason: NvidiaSmiFailure): void {
    this.resetGpuSeries();
    this.up.set(0);
    this.errors.inc({ reason });
  }

  /** Some lines could not be read while others could. */
  countParseProblems(count: number): void {
    if (count > 0) this.errors.inc({ reason: 'parse' }, count);
  }

  private resetGpuSeries(): void {
    for (const [gauge] of this.gauges) gauge.reset();
    this.info.reset();
    this.clocksEventReason.reset();
  }
}
