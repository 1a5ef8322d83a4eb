import * as units from '@grafana/grafana-foundation-sdk/units';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DNS_LATENCY_BUCKETS, PHYSICAL_INTERFACES, RecordedMetric } from '../lib/prometheus/rules/index.js';
import {
  NAMESPACE, NODE, instantQuery, namespaceVariable, nodeVariable, odinDashboard, promQuery, row, tablePanel, timeseriesPanel,
} from './common.js';

const INTERFACES = `${NODE}, ${PHYSICAL_INTERFACES}`;
const perInterface = (metric: string) => `rate(${metric}{${INTERFACES}}[$__rate_interval])`;
/** A quantile of the cluster DNS's answer time (CoreDNS serves the whole cluster: no node filter). */
const dnsLatency = (q: number) =>
  promQuery(`histogram_quantile(${q}, sum by (le) (rate(${DNS_LATENCY_BUCKETS}[$__rate_interval])))`, `p${q * 100}`);

/** Traffic and errors of the host's interfaces and of each pod; the host's TCP connections and the cluster's DNS. */
export const networkDashboard = (): DashboardBuilder =>
  odinDashboard('odin-network', 'ODIN / Network analysis',
    'Host interface throughput, packets, errors and drops; TCP connection states; cluster DNS latency and failures; per-pod traffic.')
    .withVariable(nodeVariable())
    .withVariable(namespaceVariable())
    .withRow(row('Host'))
    .withPanel(timeseriesPanel('Throughput', units.BytesPerSecondSI, [
      promQuery(`${RecordedMetric.NETWORK_RECEIVE_BYTES}{${NODE}}`, 'in {{node}}'),
      promQuery(`-${RecordedMetric.NETWORK_TRANSMIT_BYTES}{${NODE}}`, 'out {{node}}'),
    ]))
    .withPanel(timeseriesPanel('Packets', 'pps', [
      promQuery(perInterface('node_network_receive_packets_total'), 'in {{device}}'),
      promQuery(perInterface('node_network_transmit_packets_total'), 'out {{device}}'),
    ]))
    .withPanel(timeseriesPanel('Errors', units.OpsPerSecond, [
      promQuery(perInterface('node_network_receive_errs_total'), 'in {{device}}'),
      promQuery(perInterface('node_network_transmit_errs_total'), 'out {{device}}'),
    ]))
    .withPanel(timeseriesPanel('Drops', units.OpsPerSecond, [
      promQuery(perInterface('node_network_receive_drop_total'), 'in {{device}}'),
      promQuery(perInterface('node_network_transmit_drop_total'), 'out {{device}}'),
    ]))
    .withRow(row('Connections and DNS'))
    .withPanel(timeseriesPanel('TCP connections by state', units.Short,
      [promQuery(`sum by (state) (node_tcp_connection_states{${NODE}})`, '{{state}}')], { span: 8 }))
    .withPanel(timeseriesPanel('DNS answer time (CoreDNS)', units.Seconds, [0.5, 0.9, 0.99].map(dnsLatency), { span: 8 }))
    .withPanel(timeseriesPanel('DNS failures and unknown names (CoreDNS)', units.OpsPerSecond, [promQuery(
      'sum by (rcode) (rate(coredns_dns_responses_total{rcode=~"SERVFAIL|REFUSED|NXDOMAIN"}[$__rate_interval]))', '{{rcode}}')],
    { span: 8 }))
    .withRow(row('Pods'))
    .withPanel(timeseriesPanel('Pod traffic received', units.BytesPerSecondSI, [promQuery(
      `sum by (namespace, pod) (rate(container_network_receive_bytes_total{${NAMESPACE}}[$__rate_interval]))`, '{{namespace}}/{{pod}}')]))
    .withPanel(timeseriesPanel('Pod traffic sent', units.BytesPerSecondSI, [promQuery(
      `sum by (namespace, pod) (rate(container_network_transmit_bytes_total{${NAMESPACE}}[$__rate_interval]))`, '{{namespace}}/{{pod}}')]))
    .withPanel(tablePanel('Top 10 pods by traffic', units.BytesPerSecondSI, [instantQuery(
      `topk(10, sum by (namespace, pod) (rate(container_network_receive_bytes_total{${NAMESPACE}}[5m]) ` +
      `+ rate(container_network_transmit_bytes_total{${NAMESPACE}}[5m])))`)], { span: 24 }));
