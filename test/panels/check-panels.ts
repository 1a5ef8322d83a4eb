/**
 * `npm run check:panels`: evaluates every dashboard query, variable query and rule against a real Prometheus fed by
 * real exporters and upstream recordings, and prints what would show no data. The last line is
 * `panels: <N> queries, <M> empty, <K> allowed`; the exit status is 1 unless every empty one is allowed.
 */
import { ALL_DASHBOARDS } from '../../dashboards/index.js';
import { ALL_RULE_GROUPS } from '../../lib/prometheus/rules/index.js';
import { synthStack } from '../helpers.js';
import { runPanelCheck } from './panel-check.js';

const report = await runPanelCheck(synthStack(), ALL_DASHBOARDS, ALL_RULE_GROUPS);
process.stdout.write(`${report.lines.join('\n')}\n`);
const failed = report.empty.some((e) => e.allowed === undefined) || report.unseenNames.some((u) => u.allowed === undefined);
process.exit(failed ? 1 : 0);
