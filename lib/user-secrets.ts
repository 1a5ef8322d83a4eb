import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { stringify } from 'yaml';
import { OdinConfig } from './config.js';
import { PASSWORD_KEY, WEB_CONFIG_KEY } from './core/web-auth.js';
import { Manifest } from './synth.js';

/** bcrypt cost of the web configuration's hashes (htpasswd -B's default; exporter-toolkit caches each check). */
export const BCRYPT_COST = 10;

/** The passwords the user's Secrets hold. */
export interface UserPasswords {
  /** Of `access.username`, for Prometheus, Alertmanager and node-exporter. */
  readonly web: string;
  /** Of Grafana's admin. */
  readonly grafanaAdmin: string;
}

/** A password of 32 URL-safe characters (no `$` or `:`, which Grafana's expansion and basic auth would misread). */
export function newPassword(): string {
  return randomBytes(24).toString('base64url');
}

/** The web configuration exporter-toolkit reads: `username` with the bcrypt hash of `password`. */
export function webConfigYaml(username: string, password: string): string {
  const comment = '# Basic auth of Prometheus, Alertmanager and node-exporter (exporter-toolkit web configuration). Add users as\n'
    + `# \`name: <bcrypt hash>\` (htpasswd -nbBC 10 name password); the stack itself logs in as ${username}.\n`;
  return comment + stringify({ basic_auth_users: { [username]: bcrypt.hashSync(password, BCRYPT_COST) } });
}

function secret(name: string, namespace: string, stringData: Record<string, string>): Manifest {
  const metadata = { name, namespace, labels: { 'app.kubernetes.io/part-of': 'odin' } };
  return { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata, stringData };
}

/**
 * The Secrets a user creates before applying dist/ (never written there): Grafana's admin and the web auth, where the
 * config needs them. The SMTP password is not among them: it is the user's own.
 */
export function userSecrets(config: OdinConfig, passwords: UserPasswords): Manifest[] {
  const secrets: Manifest[] = [];
  const admin = config.grafana.adminSecret;
  if (config.components.grafana) {
    secrets.push(secret(admin.name, config.namespace, { [admin.userKey]: 'admin', [admin.passwordKey]: passwords.grafanaAdmin }));
  }
  if (config.access.basicAuth) {
    const webConfig = webConfigYaml(config.access.username, passwords.web);
    secrets.push(secret(config.access.secretName, config.namespace, { [WEB_CONFIG_KEY]: webConfig, [PASSWORD_KEY]: passwords.web }));
    // node-exporter, in the host-agent namespace, only checks passwords: it gets the hashes, not the password.
    if (config.components.nodeExporter) secrets.push(secret(config.access.secretName, config.hostAgentNamespace, { [WEB_CONFIG_KEY]: webConfig }));
  }
  return secrets;
}
