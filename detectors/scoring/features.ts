/**
 * Calendar features for the forest. Hour of day and day of week are angles on a circle (sin, cos) so that
 * 23:59 and 00:00, or Sunday night and Monday morning, are neighbours rather than the two ends of a range.
 * Time is UTC: the detector runs in a container whose zone is UTC, and the cycle is what matters, not the offset.
 */

const SECONDS_PER_DAY = 86_400;
const SECONDS_PER_WEEK = 7 * SECONDS_PER_DAY;
/** 1970-01-01 was a Thursday; shift so that the weekly angle 0 falls on Monday 00:00 UTC. */
const EPOCH_WEEKDAY_OFFSET_SEC = 3 * SECONDS_PER_DAY;

function circle(fraction: number): [number, number] {
  const angle = 2 * Math.PI * fraction;
  return [Math.sin(angle), Math.cos(angle)];
}

function positiveModulo(x: number, m: number): number {
  return ((x % m) + m) % m;
}

/** [sin, cos] of the time of day. */
export function timeOfDayFeatures(unixSec: number): [number, number] {
  return circle(positiveModulo(unixSec, SECONDS_PER_DAY) / SECONDS_PER_DAY);
}

/** [sin, cos] of the position in the week (fractional days, so the week is continuous too). */
export function dayOfWeekFeatures(unixSec: number): [number, number] {
  return circle(positiveModulo(unixSec + EPOCH_WEEKDAY_OFFSET_SEC, SECONDS_PER_WEEK) / SECONDS_PER_WEEK);
}

/** Which calendar cycles a model uses. */
export interface CalendarFeatureSet {
  readonly timeOfDay: boolean;
  readonly dayOfWeek: boolean;
}

/**
 * A calendar cycle only helps when the training data has seen it a few times; otherwise the current time is
 * always at the edge of the training range and every new point would look isolated. Use time of day from
 * two days of history and day of week from two weeks.
 */
export function calendarFeaturesFor(trainingSpanSec: number): CalendarFeatureSet {
  return { timeOfDay: trainingSpanSec >= 2 * SECONDS_PER_DAY, dayOfWeek: trainingSpanSec >= 2 * SECONDS_PER_WEEK };
}

/** The calendar features of one timestamp for the chosen set (0, 2 or 4 numbers). */
export function calendarFeatures(unixSec: number, set: CalendarFeatureSet): number[] {
  const out: number[] = [];
  if (set.timeOfDay) out.push(...timeOfDayFeatures(unixSec));
  if (set.dayOfWeek) out.push(...dayOfWeekFeatures(unixSec));
  return out;
}
