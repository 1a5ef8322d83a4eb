/**
 * `npm run dashboards`: a screenshot-free summary of every dashboard, its variables, panels and queries, since no
 * Grafana runs here to look at them.
 */
import { Dashboard, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { ALL_DASHBOARDS } from './index.js';
import { panelQueries, panelsOf } from './inspect.js';

function describeDashboard(dashboard: Dashboard): string[] {
  const variables = ((dashboard.templating?.list ?? []) as VariableModel[]).map((v) => `$${v.name}`);
  const lines = [`${dashboard.title}  (uid ${dashboard.uid}${variables.length ? `, variables ${variables.join(' ')}` : ''})`];
  for (const panel of panelsOf(dashboard)) {
    if (panel.type === 'row') {
      lines.push(`  == ${panel.title}`);
      continue;
    }
    lines.push(`  [${panel.type}] ${panel.title}`);
    for (const q of panelQueries(dashboard, panel)) lines.push(`      ${q.refId} ${q.datasourceUid}: ${q.expr}`);
  }
  return lines;
}

const panelCount = ALL_DASHBOARDS.reduce((n, d) => n + panelsOf(d).filter((p) => p.type !== 'row').length, 0);
console.log([...ALL_DASHBOARDS.flatMap((d) => [...describeDashboard(d), '']),
  `${ALL_DASHBOARDS.length} dashboards, ${panelCount} panels`].join('\n'));
