/**
 * Synthetic GPU histories at a 15 s scrape, built from the physics rather than from any trace: board power is
 * idle power plus a slope times utilisation plus noise (capped at the power limit), and the die temperature is a
 * first-order lag (time constant `tauSec`) towards ambient + thermal resistance × power, read in whole degrees as
 * nvidia-smi prints it. Ambient follows the day (warmer in the afternoon). Training jobs run by day at their own
 * utilisation level; nights are idle apart from a monitoring blip now and then.
 *
 * A scenario is a normal day with one fault switched on for a window of it; `window` says where the fault is.
 */
import { mulberry32, type Random } from '../../../detectors/scoring/prng.js';

export const STEP_SEC = 15;
const DAY_SEC = 86_400;
/** A Monday 00:00 UTC: the synthetic week starts here. */
export const WEEK_START_SEC = 1_795_392_000;

/** The simulated GPU: an H100-like board. */
export interface GpuPhysics {
  readonly idleWatts: number;
  /** Watts per percent of utilisation. */
  readonly wattsPerPercent: number;
  readonly powerLimitWatts: number;
  /** Steady-state °C above ambient per watt. */
  readonly kelvinPerWatt: number;
  readonly tauSec: number;
}

export const H100_LIKE: GpuPhysics = { idleWatts: 70, wattsPerPercent: 5.8, powerLimitWatts: 700, kelvinPerWatt: 0.065, tauSec: 90 };

/** One observation, as the detector's rows are built: the value and the GPU's utilisation at the same scrape. */
export interface GpuSample {
  readonly timestampSec: number;
  readonly utilization: number;
  readonly power: number;
  readonly temperature: number;
}

/** A training job: start and end as seconds into the day, and its mean utilisation. */
interface Job {
  readonly startSec: number;
  readonly endSec: number;
  readonly level: number;
}

/** What a fault changes at one scrape (all optional; absent means physics as usual). */
interface Fault {
  /** Utilisation forced to this value (e.g. a job forced to run). */
  readonly utilization?: number;
  /** Power drawn whatever the utilisation (a process burning power without kernels the counter sees). */
  readonly power?: number;
  /** A lower power limit: power flat at it while the job would draw more (throttled clocks). */
  readonly powerLimitWatts?: number;
  /** Thermal resistance multiplied (a failing fan, a clogged heatsink). */
  readonly kelvinPerWattFactor?: number;
  /** °C added to the die temperature (heat the power does not explain). */
  readonly extraKelvin?: number;
}

type FaultAt = (secondOfDay: number) => Fault | undefined;

/** Simulates whole days from `startSec` with the given jobs per day; `fault` alters individual scrapes. */
function simulate(startSec: number, days: ReadonlyArray<readonly Job[]>, random: Random, physics: GpuPhysics, fault: FaultAt = () => undefined): GpuSample[] {
  const samples: GpuSample[] = [];
  const lag = Math.exp(-STEP_SEC / physics.tauSec);
  let lagged: number | undefined;
  days.forEach((jobs, day) => {
    for (let second = 0; second < DAY_SEC; second += STEP_SEC) {
      const t = startSec + day * DAY_SEC + second;
      const f = fault(second) ?? {};
      const job = jobs.find((j) => second >= j.startSec && second < j.endSec);
      const utilization = f.utilization ?? utilizationOf(job, random);
      const limit = f.powerLimitWatts ?? physics.powerLimitWatts;
      const drawn = physics.idleWatts + physics.wattsPerPercent * utilization + gaussian(random) * (0.5 + 0.006 * utilization * physics.wattsPerPercent);
      const power = f.power ?? Math.min(limit - Math.abs(gaussian(random)), drawn);
      const ambient = 28 + 2 * Math.sin((2 * Math.PI * (second - 9 * 3600)) / DAY_SEC);
      const steady = ambient + physics.kelvinPerWatt * (f.kelvinPerWattFactor ?? 1) * power + (f.extraKelvin ?? 0);
      lagged = lagged === undefined ? steady : steady + (lagged - steady) * lag;
      samples.push({ timestampSec: t, utilization, power: Math.round(power * 100) / 100, temperature: Math.round(lagged + 0.3 * gaussian(random)) });
    }
  });
  return samples;
}

/** Utilisation at one scrape: a job's level with jitter and an occasional data-loader stall; idle with a rare blip. */
function utilizationOf(job: Job | undefined, random: Random): number {
  if (job === undefined) return random() < 0.05 ? 1 + Math.floor(random() * 3) : 0;
  const stall = random() < 0.03 ? 0.3 : 1;
  return Math.max(0, Math.min(100, Math.round(job.level * stall + 4 * gaussian(random))));
}

function gaussian(random: Random): number {
  // Box-Muller; 1 - random() keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Random daytime jobs: one to three a weekday (07:00 to 21:00, one to six hours, 40–100%), at most one at weekends. */
function randomJobs(random: Random, weekend: boolean): Job[] {
  const count = weekend ? Math.floor(random() * 2) : 1 + Math.floor(random() * 3);
  return Array.from({ length: count }, () => {
    const startSec = Math.round((7 + random() * 12) * 3600 / STEP_SEC) * STEP_SEC;
    const endSec = Math.min(21 * 3600, startSec + Math.round((1 + random() * 5) * 3600 / STEP_SEC) * STEP_SEC);
    return { startSec, endSec, level: 40 + Math.round(random() * 60) };
  });
}

/** A week of normal operation: the training history. */
export function normalWeek(seed = 1, physics = H100_LIKE): GpuSample[] {
  const random = mulberry32(seed);
  const days = Array.from({ length: 7 }, (_, day) => randomJobs(random, day >= 5));
  return simulate(WEEK_START_SEC, days, random, physics);
}

/** A later weekday of normal operation with its own random jobs: the held-out normal data. */
export function normalDay(seed: number, physics = H100_LIKE): GpuSample[] {
  const random = mulberry32(seed);
  return simulate(WEEK_START_SEC + 7 * DAY_SEC, [randomJobs(random, false)], random, physics);
}

/** A scenario: the day's samples and the fault's window (seconds of the day scored as the fault). */
export interface Scenario {
  readonly name: string;
  /** The metric the fault shows in. */
  readonly metric: 'power' | 'temperature';
  /** Which way the metric leaves its band. */
  readonly direction: 1 | -1;
  readonly samples: GpuSample[];
  readonly window: { readonly startSec: number; readonly endSec: number };
}

/** The fault day: one job at 90% from 09:00 to 18:00 on the day after the training week. */
const FAULT_DAY_JOB: Job = { startSec: 9 * 3600, endSec: 18 * 3600, level: 90 };

function faultDay(name: string, metric: Scenario['metric'], direction: Scenario['direction'], from: number, to: number, fault: (secondOfDay: number) => Fault, physics = H100_LIKE): Scenario {
  const startSec = WEEK_START_SEC + 7 * DAY_SEC;
  const samples = simulate(startSec, [[FAULT_DAY_JOB]], mulberry32(77), physics, (s) => (s >= from && s < to ? fault(s - from) : undefined));
  return { name, metric, direction, samples, window: { startSec: startSec + from, endSec: startSec + to } };
}

const HOUR = 3600;

/** The faults, each physically plausible and each invisible to a model that ignores utilisation or the time of day. */
export function faultScenarios(physics = H100_LIKE): Scenario[] {
  return [
    // 02:00–02:30: a process burns 500 W while the utilisation counter reads 1% (e.g. a kernel the sampler misses, a stuck clock).
    faultDay('high power at idle utilisation', 'power', 1, 2 * HOUR, 2.5 * HOUR, () => ({ utilization: 1, power: 500 })),
    // 03:00–04:00: the idle GPU runs 20 °C hot (a neighbour's exhaust, a blocked inlet) at idle power.
    faultDay('high temperature at idle', 'temperature', 1, 3 * HOUR, 4 * HOUR, () => ({ extraKelvin: 20 })),
    // 11:00–11:40 at full load: the temperature climbs 0.5 °C a minute at constant power (thermal runaway).
    faultDay('thermal runaway at constant power', 'temperature', 1, 11 * HOUR, 11 * HOUR + 40 * 60, (s) => ({ extraKelvin: (0.5 * s) / 60 })),
    // 13:00–14:00: the fan fails, thermal resistance up 40% while the job runs on.
    faultDay('fan failure', 'temperature', 1, 13 * HOUR, 14 * HOUR, () => ({ kelvinPerWattFactor: 1.4 })),
    // 15:00–16:00: the power limit is cut to 350 W: power flat at the limit, the job throttled at full utilisation.
    faultDay('power cap', 'power', -1, 15 * HOUR, 16 * HOUR, () => ({ powerLimitWatts: 350 }), physics),
  ];
}
