/**
 * Recorded data served by a real Prometheus: samples written as OpenMetrics text, turned into TSDB blocks by
 * `promtool tsdb create-blocks-from openmetrics`, and read by Debian's Prometheus from its data directory.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestPrometheus } from './prometheus.js';

export interface GaugeSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly timestampSec: number;
}

/** OpenMetrics text of gauge families; each family's samples are grouped by series and in time order, as the format requires. */
export function openMetricsText(families: ReadonlyMap<string, readonly GaugeSample[]>): string {
  const lines: string[] = [];
  for (const [name, samples] of families) {
    lines.push(`# TYPE ${name} gauge`);
    const labelText = (labels: Readonly<Record<string, string>>) => Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
    const sorted = [...samples].sort((a, b) => labelText(a.labels).localeCompare(labelText(b.labels)) || a.timestampSec - b.timestampSec);
    for (const s of sorted) lines.push(`${name}{${labelText(s.labels)}} ${s.value} ${s.timestampSec}`);
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

/** Prometheus serving `openMetrics` (and scraping nothing), ready to query. */
export function prometheusServing(openMetrics: string): Promise<TestPrometheus> {
  return TestPrometheus.startWithConfig((dir) => {
    const input = join(dir, 'recorded.om.txt');
    writeFileSync(input, openMetrics);
    execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', input, join(dir, 'data')], { stdio: 'pipe' });
    return 'global:\n  scrape_interval: 1m\n';
  });
}
