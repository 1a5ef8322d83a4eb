import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { findObject, synthStack } from '../helpers.js';
import { tempDir } from '../validate/tools.js';

/**
 * The alertmanager.yml the stack synthesizes, written into a temporary directory that also holds the SMTP password
 * file it names (the Secret mount does not exist here). Returns the config file.
 */
export function writeSynthesizedConfig(): string {
  const dir = tempDir('alertmanager');
  const configMap = findObject(synthStack(), 'ConfigMap', 'alertmanager-config') as unknown as { data: Record<string, string> };
  const config = parse(configMap.data['alertmanager.yml']);
  if (config.global?.smtp_auth_password_file) {
    config.global.smtp_auth_password_file = join(dir, 'smtp-password');
    writeFileSync(config.global.smtp_auth_password_file, 'test-only\n');
  }
  const file = join(dir, 'alertmanager.yml');
  writeFileSync(file, stringify(config));
  return file;
}
