/**
 * The uids of the datasources Grafana is provisioned with. Panels name these, and the Grafana construct
 * provisions exactly these, so a dashboard can never point at a datasource that does not exist.
 */
export enum DatasourceUid {
  PROMETHEUS = 'prometheus',
  LOKI = 'loki',
  ALERTMANAGER = 'alertmanager',
}
