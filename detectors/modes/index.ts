/**
 * The modes built into the detector image. Adding a mode is one line here: its name and a factory that builds
 * it from the resolved configuration.
 */
import type { DetectorConfig } from '../runtime/config.js';
import type { Mode, ModeName } from '../runtime/mode.js';
import { GpuExporterMode } from './gpu-exporter.js';
import { GpuMode, parseGpuSettings } from './gpu.js';
import { createDiskMode } from './disk.js';
import { createPodMode } from './pod.js';
import { ProcessMode, parseProcessSettings } from './process.js';

export type ModeFactory = (config: DetectorConfig) => Mode;

const MODE_FACTORIES: Partial<Record<ModeName, ModeFactory>> = {
  'gpu-exporter': (config) => new GpuExporterMode({ nvidiaSmi: config.nvidiaSmi }),
  gpu: (config) => new GpuMode(parseGpuSettings(config.settings)),
  pod: createPodMode,
  disk: createDiskMode,
  process: (config) => new ProcessMode(parseProcessSettings(config.settings), { procDir: config.procDir, hostRoot: config.hostRoot }),
};

/** The mode the configuration names; an error lists the modes this build has. */
export function createMode(config: DetectorConfig): Mode {
  const factory = MODE_FACTORIES[config.mode];
  if (!factory) throw new Error(`mode '${config.mode}' is not built into this image; available: ${Object.keys(MODE_FACTORIES).join(', ') || 'none'}`);
  return factory(config);
}
