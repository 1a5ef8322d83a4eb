import { GPU_ALERT_LABELS, GPU_SERIES, withRuleLabels } from './labels.js';
import { AlertCase } from './types.js';

const gpu = (severity: string) => withRuleLabels(severity, 'gpu', GPU_ALERT_LABELS);
const temperature = `nvidia_gpu_temperature_celsius{${GPU_SERIES}}`;
const SMI_UP = 'nvidia_smi_up{node="gpu-node", instance="10.42.0.7:9402", job="gpu-exporter"}';
const reason = (name: string) => `nvidia_gpu_clocks_event_reason_active{${GPU_SERIES}, reason="${name}"}`;

const hot = (degrees: number) => ({
  summary: 'GPU 0 on gpu-node is running hot',
  description: `GPU 0 (NVIDIA H100 80GB HBM3) on gpu-node is at ${degrees} °C.`,
});
const throttling = {
  summary: 'GPU 0 on gpu-node is slowing its clocks for heat',
  description: 'GPU 0 (NVIDIA H100 80GB HBM3) on gpu-node reports a thermal clocks-event reason; ' +
    'work runs slower until it cools down (value 1).',
};

export const thermalCases: AlertCase[] = [
  { alert: 'GpuTemperatureHigh', name: 'warns above 80 °C after 5m', series: { [temperature]: '82x10' }, at: '6m',
    fires: [{ labels: gpu('warning'), ...hot(82) }] },
  { alert: 'GpuTemperatureHigh', name: 'pages above 85 °C after 2m', series: { [temperature]: '87x10' }, at: '6m',
    fires: [{ labels: gpu('warning'), ...hot(87) }, { labels: gpu('critical'), ...hot(87) }] },
  { alert: 'GpuTemperatureHigh', name: 'quiet at 78 °C', series: { [temperature]: '78x20' }, at: '20m', fires: [] },
  { alert: 'GpuTemperatureHigh', name: 'quiet when 90 °C lasts only a minute', series: { [temperature]: '70x4 90x3' },
    at: '6m', fires: [] },

  { alert: 'GpuThermalThrottling', name: 'warns on a software thermal slowdown for 5m',
    series: { [reason('sw_thermal_slowdown')]: '1x10', [reason('hw_thermal_slowdown')]: '0x10' }, at: '6m',
    fires: [{ labels: gpu('warning'), ...throttling }] },
  { alert: 'GpuThermalThrottling', name: 'pages on a hardware thermal slowdown for 2m',
    series: { [reason('sw_thermal_slowdown')]: '0x10', [reason('hw_thermal_slowdown')]: '0 0 0 1x7' }, at: '10m',
    fires: [{ labels: gpu('warning'), ...throttling }, { labels: gpu('critical'), ...throttling }] },
  { alert: 'GpuThermalThrottling', name: 'quiet on a power-cap slowdown, which is not thermal',
    series: { [reason('sw_thermal_slowdown')]: '0x10', [reason('sw_power_cap')]: '1x10' }, at: '10m', fires: [] },

  { alert: 'GpuHardwareSlowdown', name: 'pages on a power brake for 2m', series: { [reason('hw_power_brake_slowdown')]: '1x5' },
    at: '3m', fires: [{ labels: gpu('critical'),
      summary: 'GPU 0 on gpu-node is in hardware slowdown',
      description: 'GPU 0 (NVIDIA H100 80GB HBM3) on gpu-node halved its clocks for a power brake or a hardware fault ' +
        'signal (value 1); check the power supply and cooling.' }] },
  { alert: 'GpuHardwareSlowdown', name: 'quiet on a one-minute blip', series: { [reason('hw_slowdown')]: '0 0 1 0 0 0' },
    at: '5m', fires: [] },

  { alert: 'GpuMemoryAlmostFull', name: 'warns at 97% GPU memory for 15m',
    series: { [`nvidia_gpu_memory_used_bytes{${GPU_SERIES}}`]: '97x20', [`nvidia_gpu_memory_total_bytes{${GPU_SERIES}}`]: '100x20' },
    at: '16m', fires: [{ labels: gpu('warning'),
      summary: 'GPU 0 on gpu-node has almost no free memory',
      description: 'GPU 0 (NVIDIA H100 80GB HBM3) on gpu-node uses 97% of its memory; new CUDA allocations will fail.' }] },
  { alert: 'GpuMemoryAlmostFull', name: 'quiet at 90%',
    series: { [`nvidia_gpu_memory_used_bytes{${GPU_SERIES}}`]: '90x20', [`nvidia_gpu_memory_total_bytes{${GPU_SERIES}}`]: '100x20' },
    at: '20m', fires: [] },

  { alert: 'NvidiaSmiDown', name: 'warns when nvidia-smi fails for 5m',
    series: { [SMI_UP]: '1 0x10' }, at: '7m',
    fires: [{ labels: { node: 'gpu-node', instance: '10.42.0.7:9402', job: 'gpu-exporter', severity: 'warning', component: 'gpu' },
      summary: 'nvidia-smi fails on gpu-node',
      description: 'The GPU exporter on gpu-node cannot read nvidia-smi (up = 0): GPU temperature and power are not watched.' }] },
  { alert: 'NvidiaSmiDown', name: 'quiet after a single failed read',
    series: { [SMI_UP]: '1 1 0 1 1 1 1 1' }, at: '7m', fires: [] },
];
