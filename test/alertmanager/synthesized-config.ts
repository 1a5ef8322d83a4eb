import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Manifest } from '../../lib/synth.js';
import { findObject, synthStack } from '../helpers.js';
import { runTool, tempDir } from '../validate/tools.js';

/**
 * The alertmanager.yml of `manifests`, written into a temporary directory that also holds the SMTP password file it
 * names (the Secret mount does not exist here). Returns the config file.
 */
export function writeSynthesizedConfig(manifests: readonly Manifest[] = synthStack()): string {
  const dir = tempDir('alertmanager');
  const configMap = findObject(manifests, 'ConfigMap', 'alertmanager-config') as unknown as { data: Record<string, string> };
  const config = parse(configMap.data['alertmanager.yml']);
  if (config.global?.smtp_auth_password_file) {
    config.global.smtp_auth_password_file = join(dir, 'smtp-password');
    writeFileSync(config.global.smtp_auth_password_file, 'test-only\n');
  }
  const file = join(dir, 'alertmanager.yml');
  writeFileSync(file, stringify(config));
  return file;
}

/** The receiver `amtool config routes test` picks in `configFile` for an alert with `labels`. */
export function amtoolReceiver(configFile: string, labels: Record<string, string>): string {
  const run = runTool('amtool', ['config', 'routes', 'test', `--config.file=${configFile}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
  if (run.status !== 0) throw new Error(`amtool config routes test failed: ${run.output}`);
  return run.output.trim();
}
