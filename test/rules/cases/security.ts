import { withRuleLabels } from './labels.js';
import { AlertCase } from './types.js';

const DETECTOR = 'node="node-1", instance="10.42.0.8:9407", job="process-detector"';
const FINDER = { node: 'node-1', instance: '10.42.0.8:9407' };
const finding = (category: string, severity: string, rule: string) => `${DETECTOR}, category="${category}", severity="${severity}", rule="${rule}"`;
const MINER = finding('crypto_miner', 'critical', 'mining-pool-connection');
const LD_PRELOAD = finding('system_modification', 'medium', 'ld-preload-env');
const SHELL = finding('reverse_shell', 'high', 'stdio-on-socket');

const found = (severity: string, category: string, rule: string) => ({
  labels: withRuleLabels(severity, 'security', { ...FINDER, category, rule }),
  summary: `Suspicious process on node-1: ${category}`,
  description: `1 process(es) on node-1 match rule ${rule} (${category}). ` +
    'The evidence (PID, executable, parent) is in the process detector\'s logs in Loki.',
});

export const securityCases: AlertCase[] = [
  { alert: 'ProcessThreatDetected', name: 'pages on a critical finding lasting a minute',
    series: { [`odin_process_threats{${MINER}}`]: '_ 0 1x10' }, at: '3m',
    fires: [found('critical', 'crypto_miner', 'mining-pool-connection')] },
  { alert: 'ProcessThreatDetected', name: 'warns on a medium finding lasting a minute',
    series: { [`odin_process_threats{${LD_PRELOAD}}`]: '_ 1x10' }, at: '3m',
    fires: [found('warning', 'system_modification', 'ld-preload-env')] },
  { alert: 'ProcessThreatDetected', name: 'quiet when a finding is gone by the next cycle',
    series: { [`odin_process_threats{${MINER}}`]: '_ 0 1 0 0 0', [`odin_process_threats{${LD_PRELOAD}}`]: '_ 0 1 0 0 0' },
    at: '4m', fires: [] },

  // The detector creates each rule's counter at 0 when it starts (absent before): the first finding must count.
  { alert: 'ProcessThreatSeenRecently', name: 'warns about the first high finding, which vanished',
    series: { [`odin_process_threats_total{${SHELL}}`]: '_ _ 0 0 1x40', [`odin_process_threats{${SHELL}}`]: '_ _ 0 0 1 0x40' }, at: '10m',
    fires: [{ labels: withRuleLabels('warning', 'security', { ...FINDER, category: 'reverse_shell', rule: 'stdio-on-socket' }),
      summary: 'A short-lived suspicious process ran on node-1: reverse_shell',
      description: 'Rule stdio-on-socket (reverse_shell) matched 1 time(s) in 30 minutes on node-1, and the process is gone. ' +
        'Look it up in the process detector\'s logs.' }] },
  { alert: 'ProcessThreatSeenRecently', name: 'misses a counter born at its first finding: why the detector creates it at 0',
    series: { [`odin_process_threats_total{${SHELL}}`]: '_ _ 1x40', [`odin_process_threats{${SHELL}}`]: '_ _ 1 0x40' }, at: '10m',
    fires: [] },
  { alert: 'ProcessThreatSeenRecently', name: 'quiet while the finding is still present (ProcessThreatDetected covers it)',
    series: { [`odin_process_threats_total{${SHELL}}`]: '_ _ 0 0 1x40', [`odin_process_threats{${SHELL}}`]: '_ _ 0 0 1x40' }, at: '10m',
    fires: [] },
];
