import { checkKnownKeys, integerSetting, numberSetting, PROMQL_DURATION, stringSetting, type Settings } from '../runtime/settings.js';
import { DEFAULT_EXCLUDED_FSTYPES } from './disk-queries.js';

/** The `disk` section of detector.json, resolved. */
export interface DiskSettings {
  /** Regular expression of filesystem types that are not disks. @default DEFAULT_EXCLUDED_FSTYPES (tmpfs, overlay, squashfs, ...) */
  readonly excludedFstypes: string;
  /** How far back the fill forecast looks, like predict_linear's range. @default 21600 (6 h) */
  readonly forecastWindowSec: number;
  /** Step of the forecast's range query. @default scrapeStepSec */
  readonly forecastStepSec: number;
  /** A rise in free space above this share of the size between two samples is a deletion; the fit restarts after it. @default 0.005 */
  readonly freedShareOfSize: number;
  /** Window of the I/O rate() queries. @default '5m' */
  readonly rateWindow: string;
  /** Rows a disk needs before its I/O forest replaces the robust z-score. @default 120 (30 min at 15 s) */
  readonly minTrainRows: number;
  /** How soon to train again while a disk has fewer rows than that (a first start, a new disk). @default 600 */
  readonly untrainedRetrySec: number;
}

const KEYS = ['excludedFstypes', 'forecastWindowSec', 'forecastStepSec', 'freedShareOfSize', 'rateWindow', 'minTrainRows', 'untrainedRetrySec'];

export function parseDiskSettings(settings: Settings, scrapeStepSec: number): DiskSettings {
  checkKnownKeys(settings, 'disk', KEYS);
  return {
    excludedFstypes: stringSetting(settings, 'disk', 'excludedFstypes', DEFAULT_EXCLUDED_FSTYPES),
    forecastWindowSec: numberSetting(settings, 'disk', 'forecastWindowSec', 21_600),
    forecastStepSec: numberSetting(settings, 'disk', 'forecastStepSec', scrapeStepSec),
    freedShareOfSize: numberSetting(settings, 'disk', 'freedShareOfSize', 0.005, true),
    rateWindow: stringSetting(settings, 'disk', 'rateWindow', '5m', PROMQL_DURATION),
    minTrainRows: integerSetting(settings, 'disk', 'minTrainRows', 120, 16),
    untrainedRetrySec: integerSetting(settings, 'disk', 'untrainedRetrySec', 600),
  };
}
