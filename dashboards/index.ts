import { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';

/** Every dashboard the stack provisions, built to plain JSON. */
export const ALL_DASHBOARDS: readonly Dashboard[] = [];
