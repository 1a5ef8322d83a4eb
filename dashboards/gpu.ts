import * as units from '@grafana/grafana-foundation-sdk/units';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { RecordedMetric } from '../lib/prometheus/rules/index.js';
import {
  GPU, anomalyBandPanel, anomalyScorePanel, gpuVariable, instantQuery, odinDashboard, promQuery, row, statPanel, tablePanel, timeseriesPanel,
} from './common.js';

const LEGEND = 'GPU {{gpu}} {{node}}';

/** The GPU detector's view of one metric of each selected GPU: the value, its expected band, the score. */
const gpuBandPanel = (metric: string, title: string, unit: string) =>
  anomalyBandPanel(`${title} against its expected range (GPU $gpu)`, unit, { selector: `detector="gpu", metric="${metric}", ${GPU}` }, { variable: 'gpu' });

/** What the GPUs are doing: utilisation, memory, clocks, from the GPU exporter (nvidia-smi), and what the GPU detector makes of it. */
export const gpuDashboard = (): DashboardBuilder =>
  odinDashboard('odin-gpu', 'ODIN / GPU', 'NVIDIA GPU utilisation, memory and clocks from nvidia-smi.')
    .withVariable(gpuVariable())
    .withRow(row('Now'))
    .withPanel(statPanel('nvidia-smi up', units.Short, [promQuery('min(nvidia_smi_up)')], {}, [[null, 'red'], [1, 'green']]))
    .withPanel(statPanel('Utilisation', units.Percent, [promQuery(`avg(nvidia_gpu_utilization_gpu{${GPU}})`)]))
    .withPanel(statPanel('Memory used', units.PercentUnit, [promQuery(`max(${RecordedMetric.GPU_MEMORY_USED}{${GPU}})`)], {},
      [[null, 'green'], [0.9, 'orange'], [0.95, 'red']]))
    .withPanel(statPanel('Temperature', units.Celsius, [promQuery(`max(nvidia_gpu_temperature_celsius{${GPU}})`)], {},
      [[null, 'green'], [80, 'orange'], [85, 'red']]))
    .withPanel(tablePanel('GPUs', units.NoUnit, [instantQuery('nvidia_gpu_info')], { span: 24, height: 5 }))
    .withRow(row('Over time'))
    .withPanel(timeseriesPanel('GPU utilisation', units.Percent, [promQuery(`nvidia_gpu_utilization_gpu{${GPU}}`, LEGEND)]).max(100))
    .withPanel(timeseriesPanel('Memory-controller utilisation', units.Percent,
      [promQuery(`nvidia_gpu_utilization_memory{${GPU}}`, LEGEND)]).max(100))
    .withPanel(timeseriesPanel('Memory used', units.BytesIEC, [
      promQuery(`nvidia_gpu_memory_used_bytes{${GPU}}`, `used ${LEGEND}`),
      promQuery(`nvidia_gpu_memory_total_bytes{${GPU}}`, `total ${LEGEND}`),
    ]))
    .withPanel(timeseriesPanel('SM clock', units.Hertz, [
      promQuery(`nvidia_gpu_clock_sm_hertz{${GPU}}`, LEGEND),
      promQuery(`nvidia_gpu_clock_sm_max_hertz{${GPU}}`, `max ${LEGEND}`),
    ]))
    .withPanel(timeseriesPanel('Fan speed', units.PercentUnit, [promQuery(`nvidia_gpu_fan_speed_ratio{${GPU}}`, LEGEND)]))
    .withPanel(timeseriesPanel('nvidia-smi errors', units.OpsPerSecond,
      [promQuery('sum by (node, reason) (rate(nvidia_smi_errors_total[$__rate_interval]))', '{{node}} {{reason}}')]))
    .withRow(row('Anomalies (GPU detector: in the context of utilisation)'))
    .withPanel(gpuBandPanel('power', 'Power draw', units.Watt))
    .withPanel(gpuBandPanel('temperature', 'Temperature', units.Celsius))
    .withPanel(anomalyScorePanel('GPU anomaly scores', `detector="gpu", ${GPU}`, 'GPU {{gpu}} {{metric}}', { span: 24 }));
