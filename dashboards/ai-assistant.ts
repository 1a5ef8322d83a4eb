import * as units from '@grafana/grafana-foundation-sdk/units';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { RecordedMetric } from '../lib/prometheus/rules/index.js';
import {
  NODE, PROCESS_DETECTOR_LOGS, anomalyScorePanel, logsPanel, nodeVariable, odinDashboard, promQuery, row, statPanel, timeseriesPanel,
} from './common.js';

/**
 * Claude Code's OpenTelemetry metrics as Prometheus 3.5's OTLP receiver names them (otlptranslator, strategy
 * UnderscoreEscapingWithSuffixes): dots become underscores, the unit is appended unless the name already has it as a
 * word, and counters end in `_total`. So `claude_code.token.usage` (unit tokens) becomes
 * `claude_code_token_usage_tokens_total`, and `claude_code.code_edit_tool.decision` (unit count)
 * `claude_code_code_edit_tool_decision_count_total`. Attributes keep their names, dots to underscores.
 */
const TOKENS = 'claude_code_token_usage_tokens_total';
const COST = 'claude_code_cost_usage_USD_total';
const EDIT_DECISIONS = 'claude_code_code_edit_tool_decision_count_total';
/** Process names an assistant runs as; the process detector labels per-process scores with `process_name`. */
const ASSISTANT_PROCESSES = 'claude|node|codex|aider|cursor';

/** Token use and cost of coding assistants, and what their processes do to the machine. */
export const aiAssistantDashboard = (): DashboardBuilder =>
  odinDashboard('odin-ai-assistant', 'ODIN / AI-assistant usage',
    'Tokens, cost, sessions and output of coding assistants (OpenTelemetry via the OTLP receiver), and their processes.')
    .withVariable(nodeVariable())
    .withRow(row('Spend'))
    .withPanel(statPanel('Cost today', units.Dollars, [promQuery(`sum(increase(${COST}[1d]))`)], {},
      [[null, 'green'], [12, 'orange'], [50, 'red']]))
    .withPanel(statPanel('Tokens today', units.Short, [promQuery(`sum(increase(${TOKENS}[1d]))`)]))
    .withPanel(statPanel('Sessions today', units.Short, [promQuery('sum(increase(claude_code_session_count_total[1d]))')]))
    .withPanel(statPanel('Cache-read share of input', units.PercentUnit, [promQuery(
      `sum(increase(${TOKENS}{type="cacheRead"}[1d])) / sum(increase(${TOKENS}{type=~"input|cacheRead|cacheCreation"}[1d]))`)]))
    .withPanel(timeseriesPanel('Cost per hour by model', units.Dollars,
      [promQuery(`sum by (model) (increase(${COST}[1h]))`, '{{model}}')]))
    .withPanel(timeseriesPanel('Tokens per minute by type', units.Short,
      [promQuery(`sum by (type) (rate(${TOKENS}[$__rate_interval])) * 60`, '{{type}}')]))
    .withRow(row('Output'))
    .withPanel(timeseriesPanel('Lines of code per hour', units.Short,
      [promQuery('sum by (type) (increase(claude_code_lines_of_code_count_total[1h]))', '{{type}}')]))
    .withPanel(timeseriesPanel('Commits and pull requests per day', units.Short, [
      promQuery('sum(increase(claude_code_commit_count_total[1d]))', 'commits'),
      promQuery('sum(increase(claude_code_pull_request_count_total[1d]))', 'pull requests'),
    ]))
    .withPanel(timeseriesPanel('Edit-tool decisions', units.Short,
      [promQuery(`sum by (tool_name, decision) (increase(${EDIT_DECISIONS}[1h]))`, '{{tool_name}} {{decision}}')]))
    .withPanel(timeseriesPanel('Active time per hour', units.Seconds,
      [promQuery('sum(increase(claude_code_active_time_seconds_total[1h]))', 'active')]))
    .withRow(row('Processes'))
    .withPanel(anomalyScorePanel('Assistant process CPU and memory anomaly scores',
      `detector="process", process_name=~"${ASSISTANT_PROCESSES}"`, '{{process_name}} {{metric}}'))
    .withPanel(timeseriesPanel('Reporting clients', units.Short,
      // OTLP makes service.name (with service.namespace, if set) the job label; resource attributes land on target_info.
      [promQuery('count by (job) (target_info{job=~"(.*/)?claude-code"})', '{{job}}')]))
    .withPanel(logsPanel('Assistant processes in the process detector logs',
      `${PROCESS_DETECTOR_LOGS} |~ "${ASSISTANT_PROCESSES}"`, { height: 8 }))
    .withPanel(timeseriesPanel('Host CPU while assistants run', units.PercentUnit,
      [promQuery(`${RecordedMetric.NODE_CPU_UTILISATION}{${NODE}}`, '{{node}}')]));
