import { Dashboard, DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { aiAssistantDashboard } from './ai-assistant.js';
import { alertsOverviewDashboard } from './alerts-overview.js';
import { buildDashboard } from './common.js';
import { containerResourcesDashboard } from './container-resources.js';
import { diskForecastDashboard } from './disk-forecast.js';
import { gpuDashboard } from './gpu.js';
import { logsDashboard } from './logs.js';
import { mlAnomalyDashboard } from './ml-anomaly.js';
import { networkDashboard } from './network.js';
import { nodeDetailDashboard } from './node-detail.js';
import { performanceBaselinesDashboard } from './performance-baselines.js';
import { podBehaviourDashboard } from './pod-behaviour.js';
import { powerThermalDashboard } from './power-thermal.js';
import { processSecurityDashboard } from './process-security.js';
import { rollupDashboard } from './rollup.js';
import { stackHealthDashboard } from './stack-health.js';
import { systemOverviewDashboard } from './system-overview.js';

export { DatasourceUid } from './datasources.js';

/** Every dashboard as a builder, in the order Grafana lists them. */
export const DASHBOARD_BUILDERS: ReadonlyArray<() => DashboardBuilder> = [
  systemOverviewDashboard,
  rollupDashboard,
  alertsOverviewDashboard,
  nodeDetailDashboard,
  networkDashboard,
  diskForecastDashboard,
  performanceBaselinesDashboard,
  gpuDashboard,
  powerThermalDashboard,
  podBehaviourDashboard,
  containerResourcesDashboard,
  mlAnomalyDashboard,
  processSecurityDashboard,
  logsDashboard,
  stackHealthDashboard,
  aiAssistantDashboard,
];

/** Every dashboard the stack provisions, built to plain JSON. */
export const ALL_DASHBOARDS: readonly Dashboard[] = DASHBOARD_BUILDERS.map((build) => buildDashboard(build()));
