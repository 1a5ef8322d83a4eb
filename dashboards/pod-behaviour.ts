import * as units from '@grafana/grafana-foundation-sdk/units';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { RecordedMetric, oomKilledRestarts } from '../lib/prometheus/rules/index.js';
import {
  NAMESPACE, anomalyBandPanel, anomalyScorePanel, bandPositionPanel, instantQuery, namespaceVariable, odinDashboard, promQuery, row,
  tablePanel, timeseriesPanel,
} from './common.js';

/** A namespace's pods against the band their namespace's baseline expects them in (one panel per namespace). */
const podBandPanel = (metric: string, title: string, unit: string) =>
  anomalyBandPanel(`${title} against the namespace's expected range ($namespace)`, unit,
    { selector: `detector="pod", metric="${metric}", ${NAMESPACE}`, valueLegend: '{{pod}}' }, { variable: 'namespace' });

/** How pods behave: restarts, readiness, OOM kills, resources and what the pod detector thinks of them. */
export const podBehaviourDashboard = (): DashboardBuilder =>
  odinDashboard('odin-pod-behaviour', 'ODIN / Kubernetes pod behaviour', 'Pod lifecycle, resources and pod-detector scores.')
    .withVariable(namespaceVariable())
    .withRow(row('Lifecycle'))
    .withPanel(timeseriesPanel('Restarts per hour', units.Short,
      [promQuery(`sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{${NAMESPACE}}[1h])) > 0`,
        '{{namespace}}/{{pod}}')]))
    .withPanel(timeseriesPanel('Pods not running', units.Short,
      [promQuery(`sum by (phase) (kube_pod_status_phase{${NAMESPACE}, phase!="Running", phase!="Succeeded"})`, '{{phase}}')]))
    .withPanel(tablePanel('Status anomalies now (pod detector)', units.Short,
      [instantQuery(`odin_pod_status_anomaly{${NAMESPACE}} == 1`)]))
    .withPanel(tablePanel('Containers waiting, by reason', units.Short,
      [instantQuery(`kube_pod_container_status_waiting_reason{${NAMESPACE}} == 1`)]))
    .withPanel(timeseriesPanel('OOM kills per hour', units.Short,
      [promQuery(`sum by (namespace, pod) (${oomKilledRestarts('1h', NAMESPACE)}) > 0`, '{{namespace}}/{{pod}}')]))
    .withPanel(tablePanel('Last termination reasons', units.Short,
      [instantQuery(`kube_pod_container_status_last_terminated_reason{${NAMESPACE}} == 1`)]))
    .withRow(row('Resources'))
    .withPanel(timeseriesPanel('CPU per pod', 'cores', [promQuery(`${RecordedMetric.POD_CPU}{${NAMESPACE}}`, '{{namespace}}/{{pod}}')]))
    .withPanel(timeseriesPanel('Working-set memory per pod', units.BytesIEC,
      [promQuery(`${RecordedMetric.POD_MEMORY}{${NAMESPACE}}`, '{{namespace}}/{{pod}}')]))
    .withPanel(timeseriesPanel('Network errors per pod', units.OpsPerSecond, [
      promQuery(`sum by (namespace, pod) (rate(container_network_receive_errors_total{${NAMESPACE}}[$__rate_interval]))`, 'rx {{pod}}'),
      promQuery(`sum by (namespace, pod) (rate(container_network_transmit_errors_total{${NAMESPACE}}[$__rate_interval]))`, 'tx {{pod}}'),
    ]))
    .withPanel(anomalyScorePanel('Pod anomaly scores', `detector="pod", ${NAMESPACE}`, '{{namespace}}/{{pod}} {{metric}}'))
    .withRow(row('Expected ranges (pod detector, per namespace)'))
    .withPanel(bandPositionPanel('Where each pod lies in its expected range (0 lower edge, 1 upper edge)', `detector="pod", ${NAMESPACE}`,
      '{{namespace}}/{{pod}} {{metric}}', { span: 24 }))
    .withPanel(podBandPanel('cpu_usage_rate', 'CPU', 'cores'))
    .withPanel(podBandPanel('memory_working_set_bytes', 'Working-set memory', units.BytesIEC));
