import { parse } from 'yaml';
import { Manifest } from '../../lib/synth.js';
import { WORKLOAD_KINDS, findObject, podSpec } from '../helpers.js';
import { StreamLabels } from './logql.js';

type ScrapeConfig = {
  relabel_configs?: Array<{ target_label?: string }>;
  journal?: { labels?: Record<string, string> };
  static_configs?: Array<{ labels?: Record<string, string> }>;
};

/** Labels a scrape config attaches to its streams; Promtail adds `filename` to every stream it reads from a file. */
function attachedLabels(config: ScrapeConfig): Record<string, string | undefined> {
  const relabelled = (config.relabel_configs ?? []).map((r) => r.target_label).filter((l): l is string => l !== undefined);
  const fixed: Record<string, string> = Object.assign({}, config.journal?.labels, ...(config.static_configs ?? []).map((s) => s.labels ?? {}));
  const readsFiles = relabelled.includes('__path__') || '__path__' in fixed;
  return Object.fromEntries([
    ...relabelled.map((l) => [l, undefined] as const),
    ...Object.entries(fixed).map(([l, v]) => [l, v] as const),
    ...(readsFiles ? [['filename', undefined] as const] : []),
  ].filter(([l]) => !l.startsWith('__')));
}

/**
 * The stream labels of the synthesized Promtail configuration: label names from every scrape config; `job` values
 * from the configs that set it; `container` values from ODIN's own workloads, the only containers the dashboards
 * name (Promtail ships every pod's logs, but a panel about the detectors must match a detector container).
 */
export function promtailStreamLabels(manifests: readonly Manifest[]): StreamLabels {
  const configMap = findObject(manifests, 'ConfigMap', 'promtail-config') as unknown as { data: Record<string, string> };
  const configs = (parse(configMap.data['promtail.yaml']) as { scrape_configs: ScrapeConfig[] }).scrape_configs;
  const attached = configs.map(attachedLabels);
  const jobs = attached.map((labels) => labels.job).filter((job): job is string => job !== undefined);
  const containers = manifests.filter((m) => WORKLOAD_KINDS.includes(m.kind))
    .flatMap((m) => (podSpec(m).containers as Array<{ name: string }>).map((c) => c.name));
  return {
    names: new Set(attached.flatMap((labels) => Object.keys(labels))),
    values: new Map([['job', new Set(jobs)], ['container', new Set(containers)]]),
  };
}
