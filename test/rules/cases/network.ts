import { withRuleLabels } from './labels.js';
import { AlertCase } from './types.js';

/** CoreDNS as the coredns scrape job labels it (K3s's `.:53` server block; CoreDNS leaves `view` empty). */
const COREDNS = 'job="coredns", namespace="kube-system", pod="coredns-697968c856-7mjsb", node="node-1", instance="10.42.0.3:9153", ' +
  'server="dns://:53", zone="."';
const dns = (severity: string) => withRuleLabels(severity, 'kubernetes', { job: 'coredns' });

/**
 * Answer-time buckets (a subset of CoreDNS's 0.25 ms to 8 s ladder) where every answer takes `slowest`'s bucket: the
 * series are born with the first lookup, a minute after the case starts, at 100 lookups a minute.
 */
const answersWithin = (slowest: string) => Object.fromEntries(['0.001', '0.512', '1.024', '2.048', '+Inf'].map((le) => [
  `coredns_dns_request_duration_seconds_bucket{${COREDNS}, le="${le}"}`,
  le === '+Inf' || Number(le) >= Number(slowest) ? '_ 100+100x30' : '_ 0x30',
]));

/** Answers per minute by rcode; a code's series is born with its first answer (`bornAt` minutes in). */
const responses = (perMinute: Record<string, number>, bornAt: Record<string, number> = {}) => Object.fromEntries(
  Object.entries(perMinute).map(([rcode, n]) => [
    `coredns_dns_responses_total{${COREDNS}, rcode="${rcode}", plugin="${rcode === 'NOERROR' || rcode === 'NXDOMAIN' ? 'kubernetes' : 'forward'}"}`,
    `${'_ '.repeat(bornAt[rcode] ?? 1)}${n}+${n}x30`,
  ]),
);
const failing = (share: string) => ({
  summary: 'Cluster DNS coredns fails lookups',
  description: `${share} of coredns answers are SERVFAIL or REFUSED: pods cannot resolve names. Check CoreDNS's logs and its upstream resolvers.`,
});

export const networkCases: AlertCase[] = [
  { alert: 'DnsLatencyHigh', name: 'warns when the p99 answer time stays above 1 s for 10m', series: answersWithin('2.048'), at: '15m',
    fires: [{ labels: dns('warning'),
      summary: 'Cluster DNS coredns answers slowly',
      description: 'The 99th percentile of coredns answer times is 2.038s (normally milliseconds); name lookups in every pod wait ' +
        'that long. Check the upstream resolvers CoreDNS forwards to.' }] },
  { alert: 'DnsLatencyHigh', name: 'quiet while answers take a millisecond', series: answersWithin('0.001'), at: '15m', fires: [] },

  { alert: 'DnsFailuresHigh', name: 'pages when SERVFAILs appear and reach 4.8% of answers',
    series: responses({ NOERROR: 1000, SERVFAIL: 50 }, { SERVFAIL: 5 }), at: '25m',
    fires: [{ labels: dns('warning'), ...failing('4.762%') }, { labels: dns('critical'), ...failing('4.762%') }] },
  { alert: 'DnsFailuresHigh', name: 'warns at 2% REFUSED, below the page threshold',
    series: responses({ NOERROR: 980, REFUSED: 20 }, { REFUSED: 3 }), at: '25m',
    fires: [{ labels: dns('warning'), ...failing('2%') }] },
  { alert: 'DnsFailuresHigh', name: 'quiet with many unknown names (search domains) and no failure ever',
    series: responses({ NOERROR: 400, NXDOMAIN: 600 }), at: '25m', fires: [] },
];
