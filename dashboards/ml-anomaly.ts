import * as units from '@grafana/grafana-foundation-sdk/units';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { RecordedMetric } from '../lib/prometheus/rules/index.js';
import {
  anomalyScorePanel, bandPositionPanel, detectorVariable, instantQuery, odinDashboard, promQuery, row, statPanel, tablePanel, timeseriesPanel,
} from './common.js';

const DETECTOR = 'detector=~"$detector"';
const LEGEND = '{{detector}} {{metric}} {{gpu}}{{namespace}}{{pod}}{{device}}{{process_name}}';

/** Anomaly scores over time, and whether the detectors producing them are healthy. */
export const mlAnomalyDashboard = (): DashboardBuilder =>
  odinDashboard('odin-ml-anomaly', 'ODIN / ML anomaly detection',
    'Anomaly scores (0-100, calibrated so about 5% of normal points exceed 90), where each value lies against its expected range, and detector health.')
    .withVariable(detectorVariable())
    .withRow(row('Scores'))
    .withPanel(anomalyScorePanel('Anomaly scores', DETECTOR, LEGEND, { span: 24, height: 10 }))
    .withPanel(bandPositionPanel('Where each value lies in its expected range (0 lower edge, 1 upper edge)', DETECTOR, `${LEGEND} {{feature}}`,
      { span: 24, height: 10 }))
    .withPanel(tablePanel('Values outside their expected range now (1 above, -1 below)', units.Short,
      [instantQuery(`odin_anomaly_direction{${DETECTOR}} != 0`)], { span: 24 }))
    .withPanel(timeseriesPanel('Highest score per detector', units.NoUnit,
      [promQuery(`${RecordedMetric.DETECTOR_MAX_SCORE}{${DETECTOR}}`, '{{detector}}')]).min(0).max(100))
    .withPanel(timeseriesPanel('Anomalous series per detector', units.Short,
      [promQuery(`${RecordedMetric.DETECTOR_ANOMALIES}{${DETECTOR}}`, '{{detector}}')]))
    .withRow(row('Detector health'))
    .withPanel(statPanel('Detectors cycling', units.Short,
      [promQuery(`count(time() - odin_detector_last_success_timestamp_seconds{${DETECTOR}} < 600)`)]))
    .withPanel(statPanel('Training failures (24h)', units.Short,
      [promQuery(`sum(increase(odin_model_training_failures_total{${DETECTOR}}[1d])) or vector(0)`)], {},
      [[null, 'green'], [1, 'orange']]))
    .withPanel(statPanel('Oldest model', units.DurationSeconds, [promQuery(`max(odin_model_age_seconds{${DETECTOR}})`)], {},
      [[null, 'green'], [46800, 'orange'], [172800, 'red']]))
    .withPanel(statPanel('Errors (1h)', units.Short,
      [promQuery(`sum(increase(odin_detector_errors_total{${DETECTOR}}[1h])) or vector(0)`)], {}, [[null, 'green'], [1, 'orange']]))
    .withPanel(timeseriesPanel('Cycle duration', units.Seconds,
      [promQuery(`odin_detector_cycle_duration_seconds{${DETECTOR}}`, '{{detector}}')]))
    .withPanel(timeseriesPanel('Errors by kind', units.OpsPerSecond,
      [promQuery(`sum by (detector, kind) (rate(odin_detector_errors_total{${DETECTOR}}[$__rate_interval]))`, '{{detector}} {{kind}}')]))
    .withPanel(tablePanel('Model ages', units.DurationSeconds, [instantQuery(`odin_model_age_seconds{${DETECTOR}}`)], { span: 24 }));
