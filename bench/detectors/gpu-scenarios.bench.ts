/**
 * `npm run bench:gpu-scenarios`: how the GPU detector's model does on synthetic faults and on normal days
 * (test/detectors/helpers/gpu-scenarios.ts), trained on a normal week at 15 s. Prints, per scenario, the scores
 * inside the fault's window (max, share above 90, minutes to the first, whether an alert would fire) and the false
 * alarms outside it; then the share of rows above 90 and the alerts on three held-out normal days. A quality
 * table, not a timing: the same numbers the scenario tests assert bounds on.
 */
import { faultScenarios, normalDay, normalWeek, WEEK_START_SEC } from '../../test/detectors/helpers/gpu-scenarios.js';
import { scoreDay, summarize, trainedModel, type GpuMetricName, type ScoreSummary } from '../../test/detectors/helpers/gpu-scenario-scores.js';

const week = normalWeek();
const models = { power: trainedModel(week, 'power'), temperature: trainedModel(week, 'temperature') };
const format = (s: ScoreSummary) => `max ${s.maxScore.toFixed(1).padStart(5)}  >90 ${(100 * s.shareAbove).toFixed(1).padStart(5)}%  first ${s.minutesToFirst === undefined ? '   -' : s.minutesToFirst.toFixed(1).padStart(4)} min  alerts ${s.alerts}`;

console.log('scenario                              metric       inside the fault window                              outside it');
for (const scenario of faultScenarios()) {
  const scored = scoreDay(models[scenario.metric], scenario.samples, scenario.metric);
  const inside = scored.filter((s) => s.sample.timestampSec >= scenario.window.startSec && s.sample.timestampSec < scenario.window.endSec);
  // Outside: from an hour after the fault, so that the temperature has settled again.
  const outside = scored.filter((s) => s.sample.timestampSec < scenario.window.startSec || s.sample.timestampSec >= scenario.window.endSec + 3600);
  console.log(`${scenario.name.padEnd(38)}${scenario.metric.padEnd(13)}${format(summarize(inside))}   >90 ${(100 * summarize(outside).shareAbove).toFixed(1)}% alerts ${summarize(outside).alerts}`);
}
console.log('\nnormal day   metric       whole day');
for (const seed of [101, 102, 103]) {
  const day = normalDay(seed);
  for (const metric of ['power', 'temperature'] as GpuMetricName[]) console.log(`seed ${seed}     ${metric.padEnd(13)}${format(summarize(scoreDay(models[metric], day, metric)))}`);
}

const night = WEEK_START_SEC + 7 * 86_400 + 2 * 3600;
const { score, band } = models.power.scoreWithBand(night, [500, 1])!;
console.log(`\n02:00 at 1% utilisation: power band [${band?.lower.toFixed(0)}, ${band?.upper.toFixed(0)}] W, 500 W scores ${score.toFixed(1)}`);
