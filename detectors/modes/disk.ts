import { DiskDetector } from '../disk/disk-detector.js';
import { parseDiskSettings } from '../disk/disk-settings.js';
import type { DetectorConfig } from '../runtime/config.js';
import type { Mode } from '../runtime/mode.js';

/** The disk mode (port 9408): fill forecasts and I/O anomalies from node-exporter series in Prometheus. */
export function createDiskMode(config: DetectorConfig): Mode {
  return new DiskDetector(parseDiskSettings(config.settings, config.scrapeStepSec));
}
