import { withRuleLabels } from './labels.js';
import { AlertCase } from './types.js';

const GPU_DETECTOR = { instance: 'gpu-detector:9405', job: 'gpu-detector', detector: 'gpu' };
const SCORED = { ...GPU_DETECTOR, metric: 'temperature', gpu: '0' };
const MODEL = { ...GPU_DETECTOR, metric: 'temperature' };
const DISK_DETECTOR = { instance: 'disk-detector:9408', job: 'disk-detector', detector: 'disk' };

/** A series selector with exactly these labels. */
const selector = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ')}}`;
const ml = (severity: string, labels: Record<string, string>) => withRuleLabels(severity, 'ml', labels);

const score = selector('odin_anomaly_score', SCORED);
/** The temperature the GPU detector scored, and the band it expected it in (the series it exports beside the score). */
const band = (expected: string, lower: string, upper: string, direction: string) => ({
  [selector('odin_anomaly_value', SCORED)]: '91x20',
  [selector('odin_anomaly_expected', { ...SCORED, bound: 'expected' })]: `${expected}x20`,
  [selector('odin_anomaly_expected', { ...SCORED, bound: 'lower' })]: `${lower}x20`,
  [selector('odin_anomaly_expected', { ...SCORED, bound: 'upper' })]: `${upper}x20`,
  [selector('odin_anomaly_direction', SCORED)]: `${direction}x20`,
});
const scored = (value: string, expected = ' The detector exports no expected range for it.', detector = 'gpu', metric = 'temperature', instance = 'gpu-detector:9405') => ({
  summary: `The ${detector} detector sees an anomaly in ${metric}`,
  description: `The ${detector} detector scores ${metric} on ${instance} at ${value} of 100. ` +
    `Scores are calibrated so about 5% of normal points exceed 90.${expected}`,
});
const HOT = ' temperature (91) is above its expected range [35, 52.5], expected 41.';
const POD_SCORED = { instance: 'pod-detector:9406', job: 'pod-detector', detector: 'pod', metric: 'cpu_cores', namespace: 'shop', pod: 'api-1' };
const PROCESS_SCORED = { instance: 'process-detector:9407', job: 'process-detector', detector: 'process', metric: 'cpu_cores', process_name: 'xmrig' };
/** A disk scored on three rates together: one inside its band, one above, one with no normal value as the others stand. */
const DISK_SCORED = { ...DISK_DETECTOR, metric: 'io', node: 'node-1', device: 'nvme0n1' };
const diskRate = (feature: string, value: string, bounds?: [string, string, string], direction?: string) => ({
  [selector('odin_anomaly_value', { ...DISK_SCORED, feature })]: `${value}x20`,
  ...(bounds ? Object.fromEntries(['lower', 'expected', 'upper'].map((bound, i) => [selector('odin_anomaly_expected', { ...DISK_SCORED, feature, bound }), `${bounds[i]}x20`])) : {}),
  ...(direction ? { [selector('odin_anomaly_direction', { ...DISK_SCORED, feature })]: `${direction}x20` } : {}),
});
const age = selector('odin_model_age_seconds', MODEL);
const stale = (duration: string) => ({
  summary: 'The gpu model for temperature is stale',
  description: `The gpu detector's model for temperature is ${duration} old; it is retrained every 6 hours.`,
});

export const mlCases: AlertCase[] = [
  { alert: 'AnomalyScoreHigh', name: 'warns at 95 for 10m, saying the temperature is above its expected range',
    series: { [score]: '95x20', ...band('41', '35', '52.5', '1') }, at: '11m',
    fires: [{ labels: ml('warning', SCORED), ...scored('95', HOT) }] },
  { alert: 'AnomalyScoreHigh', name: 'pages at 99 for 5m', series: { [score]: '99x20', ...band('41', '35', '52.5', '1') }, at: '11m',
    fires: [{ labels: ml('warning', SCORED), ...scored('99', HOT) }, { labels: ml('critical', SCORED), ...scored('99', HOT) }] },
  { alert: 'AnomalyScoreHigh', name: 'says below for a value under its range', series: { [score]: '95x20', ...band('41', '95', '120', '-1') }, at: '11m',
    fires: [{ labels: ml('warning', SCORED), ...scored('95', ' temperature (91) is below its expected range [95, 120], expected 41.') }] },
  { alert: 'AnomalyScoreHigh', name: 'a score over several inputs tells each one against its own range',
    series: {
      [selector('odin_anomaly_score', DISK_SCORED)]: '96x20',
      ...diskRate('io_time', '0.5', ['0.1', '0.3', '0.9'], '0'),
      ...diskRate('read_bytes', '900000000', ['0', '1000000', '40000000'], '1'),
      ...diskRate('written_bytes', '1000'),
    },
    at: '11m',
    fires: [{ labels: ml('warning', DISK_SCORED), ...scored('96',
      ' io_time (500m) is inside its expected range [100m, 900m], expected 300m.' +
      ' read_bytes (900M) is above its expected range [0, 40M], expected 1M.' +
      ' written_bytes (1k) has no expected range: no value of it is normal as the other inputs stand.',
      'disk', 'io', 'disk-detector:9408') }] },
  { alert: 'AnomalyScoreHigh', name: 'says so when a detector exports no expected range',
    series: { [selector('odin_anomaly_score', POD_SCORED)]: '97x20' }, at: '11m',
    fires: [{ labels: ml('warning', POD_SCORED), ...scored('97', undefined, 'pod', 'cpu_cores', 'pod-detector:9406') }] },
  { alert: 'AnomalyScoreHigh', name: 'leaves the process detector\'s event scores to AnomalyEvent',
    series: { [selector('odin_anomaly_score', PROCESS_SCORED)]: '97x20' }, at: '11m', fires: [] },

  // The streaming detector scores one row high, then rests at 0; its series exists from the name's first scores.
  { alert: 'AnomalyEvent', name: 'warns on one detection, for 10 minutes',
    series: { [selector('odin_anomaly_score', PROCESS_SCORED)]: '_ _ 20x4 97 0x20' }, at: '9m',
    fires: [{ labels: ml('warning', PROCESS_SCORED), summary: 'The process detector saw an anomaly in cpu_cores of xmrig',
      description: 'The process detector scored cpu_cores of the processes named xmrig on process-detector:9407 at 97 of 100 ' +
        'within the last 10 minutes. Its streaming detector reports an event once and then rests; the process security ' +
        'dashboard shows the value against its expected band.' }] },
  { alert: 'AnomalyEvent', name: 'resolved once the detection is over 10 minutes old',
    series: { [selector('odin_anomaly_score', PROCESS_SCORED)]: '_ _ 20x4 97 0x20' }, at: '18m', fires: [] },
  { alert: 'AnomalyEvent', name: 'quiet at 90 and for other detectors',
    series: { [selector('odin_anomaly_score', PROCESS_SCORED)]: '_ _ 20x4 90 0x20', [score]: '97x20' }, at: '9m', fires: [] },
  { alert: 'AnomalyScoreHigh', name: 'quiet at 85 and on a 3-minute spike to 99', series: { [score]: '85x10 99x3 85x10' },
    at: '14m', fires: [] },

  { alert: 'AnomalyDetectorDown', name: 'pages when a detector is down for 5m',
    series: { 'up{instance="pod-detector:9406", job="pod-detector"}': '1 0x10' }, at: '7m',
    fires: [{ labels: ml('critical', { instance: 'pod-detector:9406', job: 'pod-detector' }),
      summary: 'Anomaly detector pod-detector on pod-detector:9406 is down',
      description: 'Prometheus cannot scrape pod-detector at pod-detector:9406 (up = 0); its anomalies go unseen.' }] },
  { alert: 'AnomalyDetectorDown', name: 'quiet for a detector that is up and for another job that is down',
    series: { 'up{instance="pod-detector:9406", job="pod-detector"}': '1x10', 'up{instance="node-1:9100", job="node-exporter"}': '0x10' },
    at: '10m', fires: [] },

  { alert: 'DetectorCycleStalled', name: 'warns when the last success is older than 10m for 5m',
    series: { [selector('odin_detector_last_success_timestamp_seconds', DISK_DETECTOR)]: '60x30' }, at: '20m',
    fires: [{ labels: ml('warning', DISK_DETECTOR),
      summary: 'The disk detector has not completed a cycle for 10 minutes',
      description: 'The last successful cycle of the disk detector on disk-detector:9408 was 19m 0s ago; it is up but not ' +
        'detecting. Check its /health.' }] },
  { alert: 'DetectorCycleStalled', name: 'quiet while cycles succeed every minute',
    series: { [selector('odin_detector_last_success_timestamp_seconds', DISK_DETECTOR)]: '0+60x30' }, at: '20m', fires: [] },

  // The counter exists at 0 from the detector's start (absent before): its first failure must alert.
  { alert: 'ModelTrainingFailing', name: 'warns after the first failed training',
    series: { [selector('odin_model_training_failures_total', DISK_DETECTOR)]: '_ _ _ 0x6 1x30' }, at: '20m',
    fires: [{ labels: ml('warning', DISK_DETECTOR),
      summary: 'Model training of the disk detector fails',
      description: 'The disk detector failed to train 1 time(s) in 7 hours and scores with its statistical fallback.' }] },
  { alert: 'ModelTrainingFailing', name: 'quiet without failures',
    series: { [selector('odin_model_training_failures_total', DISK_DETECTOR)]: '_ _ _ 0x27' }, at: '20m', fires: [] },

  { alert: 'ModelStale', name: 'warns on a model older than 13h', series: { [age]: '50000+60x60' }, at: '40m',
    fires: [{ labels: ml('warning', MODEL), ...stale('14h 33m 20s') }] },
  { alert: 'ModelStale', name: 'pages on a model older than 2 days', series: { [age]: '200000+60x60' }, at: '40m',
    fires: [{ labels: ml('warning', MODEL), ...stale('2d 8h 13m 20s') }, { labels: ml('critical', MODEL), ...stale('2d 8h 13m 20s') }] },
  { alert: 'ModelStale', name: 'quiet on a model trained an hour ago', series: { [age]: '3600+60x60' }, at: '40m', fires: [] },
];
