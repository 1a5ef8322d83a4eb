import { alertTwins, componentAlerts } from './twins.js';
import { Component, RuleGroup, Severity } from './types.js';

/**
 * Scrape jobs of the four anomaly detectors. A pattern rather than exact names, so renaming a job in the scrape
 * configuration does not silently turn this alert off.
 */
export const DETECTOR_JOBS = 'job=~".*detector.*"';

const mlAlert = componentAlerts(Component.ML);

/** The anomaly detectors' findings and their own health. */
export const mlRules: RuleGroup = {
  name: 'odin.ml',
  rules: [
    ...alertTwins({
      alert: 'AnomalyScoreHigh',
      component: Component.ML,
      summary: 'The {{ $labels.detector }} detector sees an anomaly in {{ $labels.metric }}',
      description: 'The {{ $labels.detector }} detector scores {{ $labels.metric }} on {{ $labels.instance }} at ' +
        '{{ $value | humanize }} of 100. Scores are calibrated so about 5% of normal points exceed 90.',
      // About 5% of normal points score above 90 by calibration: only a sustained score is news.
      warning: { expr: 'odin_anomaly_score > 90', for: '10m' },
      critical: { expr: 'odin_anomaly_score > 98', for: '5m' },
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
