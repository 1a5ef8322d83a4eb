import { alertTwins } from './twins.js';
import { Component, RuleGroup, Severity } from './types.js';

/** The labels of one kind of finding; PIDs and command lines stay in the logs (cardinality). */
const FINDING_LABELS = 'node, instance, category, rule';

/** Threats currently found by the process detector with a severity matching `severities` (regex). */
const threatsFound = (severities: string): string =>
  `max by (${FINDING_LABELS}) (odin_process_threats{severity=~"${severities}"}) > 0`;

/** Findings of the process (security) detector. */
export const securityRules: RuleGroup = {
  name: 'odin.security',
  rules: [
    ...alertTwins({
      alert: 'ProcessThreatDetected',
      component: Component.SECURITY,
      summary: 'Suspicious process on {{ $labels.node }}: {{ $labels.category }}',
      description: '{{ $value | humanize }} process(es) on {{ $labels.node }} match rule {{ $labels.rule }} ' +
        '({{ $labels.category }}). The evidence (PID, executable, parent) is in the process detector\'s logs in Loki.',
      // A miner or a reverse shell outlives one detection cycle; one minute filters a process that merely looked odd once.
      warning: { expr: threatsFound('low|medium'), for: '1m' },
      critical: { expr: threatsFound('high|critical'), for: '1m' },
    }),
    {
      alert: 'ProcessThreatSeenRecently',
      // Catches findings that were gone by the next cycle (a short-lived shell) and so never satisfied `for` above.
      expr: `sum by (${FINDING_LABELS}) (increase(odin_process_threats_total{severity=~"high|critical"}[30m])) > 0 ` +
        `unless on (${FINDING_LABELS}) max by (${FINDING_LABELS}) (odin_process_threats) > 0`,
      for: '1m',
      labels: { severity: Severity.WARNING, component: Component.SECURITY },
      annotations: {
        summary: 'A short-lived suspicious process ran on {{ $labels.node }}: {{ $labels.category }}',
        description: 'Rule {{ $labels.rule }} ({{ $labels.category }}) matched {{ $value | humanize }} time(s) in 30 minutes ' +
          'on {{ $labels.node }}, and the process is gone. Look it up in the process detector\'s logs.',
      },
    },
  ],
};
