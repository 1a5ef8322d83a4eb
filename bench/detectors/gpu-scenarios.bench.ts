/**
 * `npm run bench:gpu-scenarios`: how the GPU detector's model does on synthetic faults and on normal days
 * (test/detectors/helpers/gpu-scenarios.ts), trained on a normal week at 15 s. Prints, per scenario, the scores
 * inside the fault's window (max, share above 90, minutes to the first, whether an alert would fire) and the false
 * alarms outside it; then the share of rows above 90 and the alerts on three held-out normal days; then the
 * recorded H100 trace replayed as `odin-detect backtest --detector gpu` replays it in the backtest test (one row a
 * second, retrained every 30 s on 10 minutes, a forest from 40 rows, alerts after 5 s above 90): the alerts, and
 * the rows above 90 in each phase. A quality table, not a timing: the numbers the scenario tests assert bounds on.
 */
import { findEpisodes } from '../../detectors/cli/backtest-run.js';
import { GpuReplay } from '../../detectors/gpu/gpu-replay.js';
import { h100Phases, h100Trace } from '../../test/detectors/helpers/h100-trace.js';
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

console.log('\nH100 trace, backtest schedule');
const phases = h100Phases();
const phaseAt = (t: number) => [...phases].reverse().find((p) => p.startSec <= t)!;
const trace = h100Trace();
const perSecond = trace.filter((r, i) => i === 0 || Math.floor(r.timestampSec) > Math.floor(trace[i - 1].timestampSec));
for (const metric of ['power', 'temperature'] as const) {
  const replay = new GpuReplay({ anomalyShare: 0.05, trainIntervalSec: 30, trainWindowSec: 600, minTrainRows: 40, untrainedRetrySec: 5 });
  const rows = perSecond.map((r) => {
    const timestampSec = Math.floor(r.timestampSec);
    const scored = replay.next(timestampSec, [r[metric], r.utilization]);
    return { timestampSec, value: r[metric], score: scored?.score ?? 0, band: scored?.band };
  });
  const alerts = findEpisodes(rows, 1, 5).filter((e) => e.alerted).map((e) => {
    const phase = phaseAt(e.startSec + 1);
    return `${phase.phase} +${Math.max(0, e.startSec - phase.startSec).toFixed(0)} s for ${(e.endSec - e.startSec).toFixed(0)} s (peak ${e.peakScore.toFixed(0)}, ${e.direction === 1 ? 'above' : e.direction === -1 ? 'below' : 'inside'})`;
  });
  console.log(`${metric.padEnd(12)} alerts: ${alerts.join('; ')}`);
  const above = phases.slice(0, -1).map((p, i) => {
    const steady = rows.filter((r) => r.timestampSec >= p.startSec + 5 && r.timestampSec < phases[i + 1].startSec);
    return steady.length === 0 ? '' : `${p.phase} ${steady.filter((r) => r.score > 90).length}/${steady.length}`;
  });
  console.log(`${''.padEnd(12)} rows above 90 from 5 s into each phase: ${above.filter(Boolean).join(', ')}`);
}
