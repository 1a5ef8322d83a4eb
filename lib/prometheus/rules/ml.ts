import { alertTwins, componentAlerts } from './twins.js';
import { Component, RuleGroup, Severity } from './types.js';

/**
 * Scrape jobs of the four anomaly detectors. A pattern rather than exact names, so renaming a job in the scrape
 * configuration does not silently turn this alert off.
 */
export const DETECTOR_JOBS = 'job=~".*detector.*"';

const mlAlert = componentAlerts(Component.ML);

/** The detector whose scores come from ODIN's streaming detector (per-name CPU and memory): events, not levels. */
const EVENT_DETECTOR = 'process';

/**
 * What the model expected, appended to the anomaly alert's description: for each value the score is about (one,
 * or one per `feature` where a score covers several inputs, as the disk's I/O rates), "X (value) is above, below
 * or inside its expected range [lower, upper], expected e." Template queries read the series the detector exports
 * beside the score (odin_anomaly_value, odin_anomaly_expected{bound}, odin_anomaly_direction), selected by every
 * label of the alerting series, so the text is whatever the detector exported at the alert's evaluation. Bands
 * are selected without `pod`: the pod detector's bands are its namespaces' (and elsewhere `pod` is only the
 * detector's own pod, the same on all its series).
 */
export const EXPECTED_RANGES = [
  '{{ $sel := "" }}{{ $bandSel := "" }}{{ range $k, $v := $labels }}{{ if ne $k "__name__" }}{{ $sel = printf "%s%s=%q," $sel $k $v }}',
  '{{ if ne $k "pod" }}{{ $bandSel = printf "%s%s=%q," $bandSel $k $v }}{{ end }}{{ end }}{{ end }}',
  '{{ range printf "odin_anomaly_value{%s}" $sel | query | sortByLabel "feature" }}',
  '{{ $input := "" }}{{ $name := $labels.metric }}{{ with .Labels.feature }}{{ $input = printf "feature=%q," . }}{{ $name = . }}{{ end }}',
  ' {{ $name }} ({{ .Value | humanize }})',
  '{{ $bounds := printf "odin_anomaly_expected{%s%s}" $bandSel $input | query | sortByLabel "bound" }}',
  '{{ with printf "odin_anomaly_direction{%s%s}" $sel $input | query }}{{ $d := . | first | value }}',
  ' is {{ if gt $d 0.0 }}above{{ else if lt $d 0.0 }}below{{ else }}inside{{ end }} its expected range',
  ' [{{ index $bounds 1 | value | humanize }}, {{ index $bounds 2 | value | humanize }}], expected {{ index $bounds 0 | value | humanize }}.',
  '{{ else }} has no expected range: no value of it is normal as the other inputs stand.{{ end }}',
  '{{ else }} The detector exports no expected range for it.{{ end }}',
].join('');

/** The anomaly detectors' findings and their own health. */
export const mlRules: RuleGroup = {
  name: 'odin.ml',
  rules: [
    ...alertTwins({
      alert: 'AnomalyScoreHigh',
      component: Component.ML,
      summary: 'The {{ $labels.detector }} detector sees an anomaly in {{ $labels.metric }}',
      description: 'The {{ $labels.detector }} detector scores {{ $labels.metric }} on {{ $labels.instance }} at ' +
        `{{ $value | humanize }} of 100. Scores are calibrated so about 5% of normal points exceed 90.${EXPECTED_RANGES}`,
      // About 5% of normal points score above 90 by calibration: only a sustained score is news. The process
      // detector's per-name scores are events instead (AnomalyEvent).
      warning: { expr: `odin_anomaly_score{detector!="${EVENT_DETECTOR}"} > 90`, for: '10m' },
      critical: { expr: `odin_anomaly_score{detector!="${EVENT_DETECTOR}"} > 98`, for: '5m' },
    }),
    mlAlert(Severity.WARNING, {
      alert: 'AnomalyEvent',
      // The streaming detector reports a detection on one row, then rests at 0 (one event, one detection), so its
      // score is never sustained: a detection within the last 10 minutes is the alert, and resolves 10 minutes on.
      expr: `max_over_time(odin_anomaly_score{detector="${EVENT_DETECTOR}"}[10m]) > 90`,
      for: '1m',
      annotations: {
        summary: 'The {{ $labels.detector }} detector saw an anomaly in {{ $labels.metric }} of {{ $labels.process_name }}',
        description: 'The {{ $labels.detector }} detector scored {{ $labels.metric }} of the processes named ' +
          '{{ $labels.process_name }} on {{ $labels.instance }} at {{ $value | humanize }} of 100 within the last 10 minutes. ' +
          'Its streaming detector reports an event once and then rests; the process security dashboard shows the value ' +
          'against its expected band.',
      },
    }),
    mlAlert(Severity.CRITICAL, {
      alert: 'AnomalyDetectorDown',
      expr: `up{${DETECTOR_JOBS}} == 0`,
      for: '5m',
      annotations: {
        summary: 'Anomaly detector {{ $labels.job }} on {{ $labels.instance }} is down',
        description: 'Prometheus cannot scrape {{ $labels.job }} at {{ $labels.instance }} (up = {{ $value | humanize }}); ' +
          'its anomalies go unseen.',
      },
    }),
    mlAlert(Severity.WARNING, {
      alert: 'DetectorCycleStalled',
      // Ten cycles of the default 60 s interval: one slow Prometheus query is not a stall.
      expr: 'time() - odin_detector_last_success_timestamp_seconds > 600',
      for: '5m',
      annotations: {
        summary: 'The {{ $labels.detector }} detector has not completed a cycle for 10 minutes',
        description: 'The last successful cycle of the {{ $labels.detector }} detector on {{ $labels.instance }} was ' +
          '{{ $value | humanizeDuration }} ago; it is up but not detecting. Check its /health.',
      },
    }),
    mlAlert(Severity.WARNING, {
      alert: 'ModelTrainingFailing',
      // Training runs every 6 hours: a 7-hour window always holds the latest run.
      expr: 'increase(odin_model_training_failures_total[7h]) > 0',
      for: '5m',
      annotations: {
        summary: 'Model training of the {{ $labels.detector }} detector fails',
        description: 'The {{ $labels.detector }} detector failed to train {{ $value | humanize }} time(s) in 7 hours and scores ' +
          'with its statistical fallback.',
      },
    }),
    ...alertTwins({
      alert: 'ModelStale',
      component: Component.ML,
      summary: 'The {{ $labels.detector }} model for {{ $labels.metric }} is stale',
      description: 'The {{ $labels.detector }} detector\'s model for {{ $labels.metric }} is {{ $value | humanizeDuration }} old; ' +
        'it is retrained every 6 hours.',
      // Two missed trainings, then two days: the baseline no longer follows how the machine is used.
      warning: { expr: 'odin_model_age_seconds > 13 * 3600', for: '30m' },
      critical: { expr: 'odin_model_age_seconds > 2 * 86400', for: '30m' },
    }),
  ],
};
