import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { OdinConfig, resolveConfig } from './config.js';

/** Parses a config file's text: JSON for `.json`, YAML otherwise (YAML also reads JSON). */
function parseConfigText(path: string, content: string): unknown {
  try {
    return path.endsWith('.json') ? JSON.parse(content) : parse(content);
  } catch (err) {
    throw new Error(`config file ${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
}

/**
 * The effective config from an optional YAML or JSON file laid over the defaults.
 * An empty file means the defaults; an unreadable or invalid file throws an error naming the file and the field.
 */
export function loadConfig(path?: string): OdinConfig {
  if (path === undefined) return resolveConfig({});
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`config file ${path}: cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const parsed = parseConfigText(path, content);
  try {
    return resolveConfig(parsed ?? {});
  } catch (err) {
    throw new Error(`config file ${path}: ${(err as Error).message}`);
  }
}
