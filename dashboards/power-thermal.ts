import * as units from '@grafana/grafana-foundation-sdk/units';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { RecordedMetric } from '../lib/prometheus/rules/index.js';
import {
  GPU, anomalyScorePanel, gpuVariable, healthMatrixPanel, odinDashboard, promQuery, row, thresholds, timeseriesPanel,
} from './common.js';

const LEGEND = 'GPU {{gpu}} {{node}}';

/** Power draw against its limit, temperatures against the alert thresholds, throttling and the GPU detector's view. */
export const powerThermalDashboard = (): DashboardBuilder =>
  odinDashboard('odin-power-thermal', 'ODIN / Power and thermal', 'GPU power, temperatures, clocks-event reasons and GPU anomaly scores.')
    .withVariable(gpuVariable())
    .withRow(row('Power'))
    .withPanel(timeseriesPanel('Power draw and limit', units.Watt, [
      promQuery(`nvidia_gpu_power_draw_watts{${GPU}}`, `draw ${LEGEND}`),
      promQuery(`nvidia_gpu_power_limit_watts{${GPU}}`, `limit ${LEGEND}`),
    ]))
    .withPanel(timeseriesPanel('Power draw of limit', units.PercentUnit,
      [promQuery(`${RecordedMetric.GPU_POWER_OF_LIMIT}{${GPU}}`, LEGEND)]).max(1))
    .withRow(row('Temperature'))
    .withPanel(timeseriesPanel('GPU and memory temperature', units.Celsius, [
      promQuery(`nvidia_gpu_temperature_celsius{${GPU}}`, `core ${LEGEND}`),
      promQuery(`nvidia_gpu_memory_temperature_celsius{${GPU}}`, `memory ${LEGEND}`),
    ]).thresholds(thresholds([null, 'green'], [80, 'orange'], [85, 'red'])))
    .withPanel(timeseriesPanel('Host sensors', units.Celsius,
      [promQuery('node_hwmon_temp_celsius', '{{node}} {{chip}} {{sensor}}')]))
    .withPanel(healthMatrixPanel('Clocks-event (throttle) reasons', [
      promQuery(`max by (gpu, reason) (nvidia_gpu_clocks_event_reason_active{${GPU}, reason!="gpu_idle"})`, 'GPU {{gpu}} {{reason}}'),
    ], { span: 24 }, { one: 'ACTIVE', zero: 'off', healthy: 0 }))
    .withRow(row('GPU detector'))
    .withPanel(anomalyScorePanel('Temperature and power anomaly scores', `detector="gpu", ${GPU}`, 'GPU {{gpu}} {{metric}}',
      { span: 24 }));
