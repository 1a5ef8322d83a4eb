import { DatasourceUid } from '../../dashboards/datasources.js';

/** URLs Grafana's datasources point at, by full cluster DNS name. A missing one is not provisioned. */
export type DatasourceUrls = Partial<Record<DatasourceUid, string>>;

/** The environment variable that holds the basic-auth password of the datasources behind basic auth. */
export const DATASOURCE_PASSWORD_ENV = 'ODIN_DATASOURCE_PASSWORD';

/** Grafana's datasource type and display name for each uid the dashboards may name. */
const DATASOURCE_KINDS: Record<DatasourceUid, { readonly type: string; readonly name: string; readonly jsonData?: Record<string, unknown> }> = {
  [DatasourceUid.PROMETHEUS]: { type: 'prometheus', name: 'Prometheus', jsonData: { httpMethod: 'POST' } },
  [DatasourceUid.LOKI]: { type: 'loki', name: 'Loki' },
  [DatasourceUid.ALERTMANAGER]: { type: 'alertmanager', name: 'Alertmanager', jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false } },
};

/**
 * The datasource provisioning file: uids exactly those of `DatasourceUid`, so dashboards always resolve. The
 * Prometheus datasource gets Prometheus's scrape interval as its minimum step, which `$__rate_interval` builds on.
 * A datasource in `basicAuthUsers` logs in as that user with the password Grafana expands from its environment at
 * start (`DATASOURCE_PASSWORD_ENV`), so the file holds no secret.
 */
export function datasourcesProvisioning(urls: DatasourceUrls, scrapeIntervalSec: number, basicAuthUsers: DatasourceUrls = {}): Record<string, unknown> {
  const datasources = Object.values(DatasourceUid).flatMap((uid) => {
    const url = urls[uid];
    if (url === undefined) return [];
    const kind = DATASOURCE_KINDS[uid];
    const jsonData = uid === DatasourceUid.PROMETHEUS ? { ...kind.jsonData, timeInterval: `${scrapeIntervalSec}s` } : kind.jsonData;
    const user = basicAuthUsers[uid];
    const auth = user === undefined ? {} : {
      basicAuth: true, basicAuthUser: user, secureJsonData: { basicAuthPassword: `\${${DATASOURCE_PASSWORD_ENV}}` },
    };
    return [{
      name: kind.name, uid, type: kind.type, access: 'proxy', url, editable: false,
      isDefault: uid === DatasourceUid.PROMETHEUS, ...(jsonData ? { jsonData } : {}), ...auth,
    }];
  });
  return { apiVersion: 1, datasources };
}

/** The dashboard provider: every JSON file under `path`, read-only in the UI since code is the source. */
export function dashboardProvider(path: string): Record<string, unknown> {
  return {
    apiVersion: 1,
    providers: [{
      name: 'odin', orgId: 1, folder: 'ODIN', type: 'file', disableDeletion: true, allowUiUpdates: false, updateIntervalSeconds: 60,
      options: { path, foldersFromFilesStructure: false },
    }],
  };
}
