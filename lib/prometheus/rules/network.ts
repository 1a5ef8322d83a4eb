import { alertTwins, componentAlerts } from './twins.js';
import { Component, RuleGroup, Severity } from './types.js';

/** CoreDNS's answer-time histogram (plugin/metrics/vars/vars.go: labels server, zone, view; 0.25 ms to 8 s). */
export const DNS_LATENCY_BUCKETS = 'coredns_dns_request_duration_seconds_bucket';

/** The 99th percentile of the time the cluster DNS takes to answer, per scrape job, over 5 minutes. */
const DNS_P99 = `histogram_quantile(0.99, sum by (job, le) (rate(${DNS_LATENCY_BUCKETS}[5m])))`;

/**
 * The share of answers that are failures: SERVFAIL (an upstream or plugin failed) and REFUSED. NXDOMAIN is not one:
 * with Kubernetes' search domains (ndots 5) most lookups first try names that do not exist, so a large NXDOMAIN share
 * is normal; the network dashboard draws it.
 */
const DNS_FAILURE_SHARE = 'sum by (job) (rate(coredns_dns_responses_total{rcode=~"SERVFAIL|REFUSED"}[5m])) / ' +
  'sum by (job) (rate(coredns_dns_responses_total[5m]))';

const dnsAlert = componentAlerts(Component.KUBERNETES);

/**
 * The cluster's DNS (CoreDNS). Thresholds follow the CoreDNS mixin's (errors above 1% warn, above 3% page): a jump
 * from a baseline of almost no failures is what they catch, without a baseline to learn first.
 */
export const networkRules: RuleGroup = {
  name: 'odin.network',
  rules: [
    dnsAlert(Severity.WARNING, {
      alert: 'DnsLatencyHigh',
      expr: `${DNS_P99} > 1`,
      for: '10m',
      annotations: {
        summary: 'Cluster DNS {{ $labels.job }} answers slowly',
        description: 'The 99th percentile of {{ $labels.job }} answer times is {{ $value | humanizeDuration }} (normally milliseconds); ' +
          'name lookups in every pod wait that long. Check the upstream resolvers CoreDNS forwards to.',
      },
    }),
    ...alertTwins({
      alert: 'DnsFailuresHigh',
      component: Component.KUBERNETES,
      summary: 'Cluster DNS {{ $labels.job }} fails lookups',
      description: '{{ $value | humanizePercentage }} of {{ $labels.job }} answers are SERVFAIL or REFUSED: pods cannot resolve ' +
        'names. Check CoreDNS\'s logs and its upstream resolvers.',
      warning: { expr: `${DNS_FAILURE_SHARE} > 0.01`, for: '10m' },
      critical: { expr: `${DNS_FAILURE_SHARE} > 0.03`, for: '10m' },
    }),
  ],
};
