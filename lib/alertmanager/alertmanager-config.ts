import { EmailConfig, WebhookConfig } from '../config.js';
import { Component, Severity } from '../prometheus/rules/types.js';

/** Labels that identify what an alert is about; a critical alert silences the warning twin that shares them all. */
export const INHIBIT_EQUAL_LABELS = [
  'alertname', 'component', 'cluster', 'instance', 'node', 'job', 'gpu', 'namespace', 'pod', 'container', 'device', 'mountpoint', 'detector', 'metric',
];

/** The labels notifications are grouped by. */
export const GROUP_BY = ['alertname', 'cluster', 'service'];

/** Inputs of the generated alertmanager.yml. */
export interface AlertmanagerConfigInput {
  readonly email: EmailConfig;
  readonly webhooks: readonly WebhookConfig[];
  /** Path of the mounted file that holds the SMTP password. */
  readonly smtpPasswordFile: string;
  /** @default Object.values(Component) */
  readonly components?: readonly string[];
}

/** A receiver: email (when enabled, with a subject that says why it came) plus every webhook. */
function receiver(name: string, subjectPrefix: string, input: AlertmanagerConfigInput): Record<string, unknown> {
  const email = input.email.enabled
    ? {
      email_configs: [{
        to: input.email.to.join(', '),
        send_resolved: true,
        headers: { Subject: `${subjectPrefix} {{ .Status | toUpper }} {{ .CommonLabels.alertname }} ({{ .Alerts | len }})` },
      }],
    }
    : {};
  const webhooks = input.webhooks.length > 0
    ? { webhook_configs: input.webhooks.map((w) => ({ url: w.url, send_resolved: true })) }
    : {};
  return { name, ...email, ...webhooks };
}

/** SMTP settings; the password is read from a file, so it never appears in the config or in dist/. */
function globalSection(input: AlertmanagerConfigInput): Record<string, unknown> {
  if (!input.email.enabled) return { resolve_timeout: '5m' };
  return {
    resolve_timeout: '5m',
    smtp_smarthost: `${input.email.smtpHost}:${input.email.smtpPort}`,
    smtp_from: input.email.from,
    smtp_auth_username: input.email.username,
    smtp_auth_password_file: input.smtpPasswordFile,
    smtp_require_tls: input.email.requireTls,
  };
}

/**
 * The whole alertmanager.yml: critical alerts first to their own receiver, then one route (and receiver) per
 * component, a catch-all default; repeat every 15 minutes; critical inhibits warning, warning inhibits info.
 */
export function alertmanagerConfig(input: AlertmanagerConfigInput): Record<string, unknown> {
  const components = input.components ?? Object.values(Component);
  return {
    global: globalSection(input),
    route: {
      receiver: 'default',
      group_by: GROUP_BY,
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '15m',
      routes: [
        { receiver: 'critical', matchers: [`severity="${Severity.CRITICAL}"`], group_wait: '10s' },
        ...components.map((c) => ({ receiver: `component-${c}`, matchers: [`component="${c}"`] })),
      ],
    },
    receivers: [
      receiver('default', '[ODIN]', input),
      receiver('critical', '[ODIN CRITICAL]', input),
      ...components.map((c) => receiver(`component-${c}`, `[ODIN ${c}]`, input)),
    ],
    inhibit_rules: [
      { source_matchers: [`severity="${Severity.CRITICAL}"`], target_matchers: [`severity="${Severity.WARNING}"`], equal: INHIBIT_EQUAL_LABELS },
      { source_matchers: [`severity="${Severity.WARNING}"`], target_matchers: [`severity="${Severity.INFO}"`], equal: INHIBIT_EQUAL_LABELS },
    ],
  };
}
