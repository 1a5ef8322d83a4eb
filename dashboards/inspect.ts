import { Dashboard, Panel, RowPanel } from '@grafana/grafana-foundation-sdk/dashboard';

/** One query of one panel, with the datasource it names. */
export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly datasourceUid: string | undefined;
  readonly datasourceType: string | undefined;
  readonly refId: string | undefined;
  readonly expr: string;
}

/** Every panel of a built dashboard, including those nested in collapsed rows. */
export function panelsOf(dashboard: Dashboard): Array<Panel | RowPanel> {
  return (dashboard.panels ?? []).flatMap((p) => (p.type === 'row' ? [p, ...((p as RowPanel).panels ?? [])] : [p]));
}

/** The queries of one panel (none for a row). */
export function panelQueries(dashboard: Dashboard, panel: Panel | RowPanel): PanelQuery[] {
  if (panel.type === 'row') return [];
  return ((panel as Panel).targets ?? []).map((target) => {
    const t = target as { datasource?: { uid?: string; type?: string }; refId?: string; expr?: string };
    return {
      dashboard: dashboard.uid ?? '', panel: panel.title ?? '', datasourceUid: t.datasource?.uid,
      datasourceType: t.datasource?.type, refId: t.refId, expr: t.expr ?? '',
    };
  });
}

/** Every query of a built dashboard. */
export function queriesOf(dashboard: Dashboard): PanelQuery[] {
  return panelsOf(dashboard).flatMap((panel) => panelQueries(dashboard, panel));
}
