import { RecordedMetric } from './recording.js';
import { alertTwins } from './twins.js';
import { Component, RuleGroup, Severity } from './types.js';

/** The labels that name one GPU: inhibition and grouping compare these, so every GPU alert keeps exactly them. */
const GPU_LABELS = 'node, instance, gpu, uuid, name';

/** Whether nvidia-smi reports one of `reasons` (regex) as a current clocks-event (throttle) reason, per GPU. */
const clocksEvent = (reasons: string): string =>
  `max by (${GPU_LABELS}) (nvidia_gpu_clocks_event_reason_active{reason=~"${reasons}"}) == 1`;

/** GPU temperature, throttling and the GPU exporter itself. */
export const thermalRules: RuleGroup = {
  name: 'odin.thermal',
  rules: [
    ...alertTwins({
      alert: 'GpuTemperatureHigh',
      component: Component.GPU,
      summary: 'GPU {{ $labels.gpu }} on {{ $labels.node }} is running hot',
      description: 'GPU {{ $labels.gpu }} ({{ $labels.name }}) on {{ $labels.node }} is at {{ $value | humanize }} °C.',
      warning: { expr: `max by (${GPU_LABELS}) (nvidia_gpu_temperature_celsius) > 80`, for: '5m' },
      // The spec's thermal alert: above 85 °C for more than 2 minutes.
      critical: { expr: `max by (${GPU_LABELS}) (nvidia_gpu_temperature_celsius) > 85`, for: '2m' },
    }),
    ...alertTwins({
      alert: 'GpuThermalThrottling',
      component: Component.GPU,
      summary: 'GPU {{ $labels.gpu }} on {{ $labels.node }} is slowing its clocks for heat',
      description: 'GPU {{ $labels.gpu }} ({{ $labels.name }}) on {{ $labels.node }} reports a thermal clocks-event reason; ' +
        'work runs slower until it cools down (value {{ $value | humanize }}).',
      // The driver's software slowdown comes first; the hardware one means the GPU reached its hard limit.
      warning: { expr: clocksEvent('sw_thermal_slowdown|hw_thermal_slowdown'), for: '5m' },
      critical: { expr: clocksEvent('hw_thermal_slowdown'), for: '2m' },
    }),
    {
      alert: 'GpuHardwareSlowdown',
      expr: clocksEvent('hw_slowdown|hw_power_brake_slowdown'),
      for: '2m',
      labels: { severity: Severity.CRITICAL, component: Component.GPU },
      annotations: {
        summary: 'GPU {{ $labels.gpu }} on {{ $labels.node }} is in hardware slowdown',
        description: 'GPU {{ $labels.gpu }} ({{ $labels.name }}) on {{ $labels.node }} halved its clocks for a power brake or ' +
          'a hardware fault signal (value {{ $value | humanize }}); check the power supply and cooling.',
      },
    },
    {
      alert: 'GpuMemoryAlmostFull',
      expr: `max by (${GPU_LABELS}) (${RecordedMetric.GPU_MEMORY_USED}) > 0.95`,
      for: '15m',
      labels: { severity: Severity.WARNING, component: Component.GPU },
      annotations: {
        summary: 'GPU {{ $labels.gpu }} on {{ $labels.node }} has almost no free memory',
        description: 'GPU {{ $labels.gpu }} ({{ $labels.name }}) on {{ $labels.node }} uses {{ $value | humanizePercentage }} ' +
          'of its memory; new CUDA allocations will fail.',
      },
    },
    {
      alert: 'NvidiaSmiDown',
      expr: 'nvidia_smi_up == 0',
      for: '5m',
      labels: { severity: Severity.WARNING, component: Component.GPU },
      annotations: {
        summary: 'nvidia-smi fails on {{ $labels.node }}',
        description: 'The GPU exporter on {{ $labels.node }} cannot read nvidia-smi (up = {{ $value | humanize }}): ' +
          'GPU temperature and power are not watched.',
      },
    },
  ],
};
