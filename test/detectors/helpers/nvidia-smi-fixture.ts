/**
 * Real nvidia-smi output (test/fixtures/nvidia-smi) rearranged into the exporter's query: the fixture was taken
 * with another field list, so each of our fields is looked up by its header name (with nvidia-smi's aliases).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QUERY_FIELDS } from '../../../detectors/gpu/nvidia-smi.js';

const FIXTURE_DIR = join(import.meta.dirname, '../../fixtures/nvidia-smi');

/** Header names nvidia-smi prints for a queried field, when they differ from the query name. */
const HEADER_ALIASES: Record<string, string> = { 'clocks.sm': 'clocks.current.sm' };

function headerName(field: string): string {
  return HEADER_ALIASES[field] ?? field.replace(/^clocks_throttle_reasons\./, 'clocks_event_reasons.');
}

/** Header field name without its " [unit]" suffix. */
function stripUnit(header: string): string {
  return header.replace(/\s*\[.*\]$/, '').trim();
}

/** A noheader,nounits line in QUERY_FIELDS order from a header line and a value line; absent fields read [N/A]. */
export function lineInQueryOrder(header: string, values: string, overrides: Record<string, string> = {}): string {
  const names = header.split(',').map(stripUnit);
  const cells = values.split(',').map((v) => v.trim());
  const byName = new Map(names.map((name, i) => [name, cells[i]]));
  return QUERY_FIELDS.map((field) => overrides[field] ?? byName.get(headerName(field)) ?? '[N/A]').join(', ');
}

/** The header and noheader,nounits lines of the fixture's `--query-gpu` sample. */
export function sampleQuery(): { header: string; values: string } {
  const text = readFileSync(join(FIXTURE_DIR, 'nvidia-smi-samples.txt'), 'utf8').split('\n');
  const header = text[text.indexOf('== csv header') + 1];
  const values = text[text.indexOf('== csv noheader nounits') + 1];
  return { header, values };
}
