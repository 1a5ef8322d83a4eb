/**
 * `npm run --silent secrets [-- --config FILE] | kubectl create -f -`: the Secrets to create before applying dist/,
 * with new random passwords, on stdout (nothing is written to disk). Passwords are read back with kubectl.
 */
import { stringify } from 'yaml';
import { parseOptions } from '../lib/cli-options.js';
import { loadConfig } from '../lib/config-file.js';
import { newPassword, userSecrets } from '../lib/user-secrets.js';

try {
  const options = parseOptions(process.argv.slice(2), ['--config'], 'npm run secrets -- [--config FILE] | kubectl create -f -');
  const config = loadConfig(options['--config'] ?? (process.env.ODIN_CONFIG || undefined));
  const secrets = userSecrets(config, { web: newPassword(), grafanaAdmin: newPassword() });
  process.stdout.write(secrets.map((s) => stringify(s, { lineWidth: 0 })).join('---\n'));
  const read = (name: string, key: string) => `kubectl -n ${config.namespace} get secret ${name} -o jsonpath='{.data.${key.replace(/\./g, '\\.')}}' | base64 -d`;
  process.stderr.write([
    `${secrets.length} Secrets (${secrets.map((s) => `${s.metadata.namespace}/${s.metadata.name}`).join(', ')}) on stdout, for kubectl create -f -.`,
    ...(config.access.basicAuth ? [`Prometheus/Alertmanager user '${config.access.username}', password: ${read(config.access.secretName, 'password')}`] : []),
    ...(config.components.grafana ? [`Grafana user 'admin', password: ${read(config.grafana.adminSecret.name, config.grafana.adminSecret.passwordKey)}`] : []),
    '',
  ].join('\n'));
} catch (err) {
  process.stderr.write(`odin secrets failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
