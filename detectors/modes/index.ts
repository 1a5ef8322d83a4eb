/**
 * The modes built into the detector image. Adding a mode is one line here: its name and a factory that loads its
 * module and builds it from the resolved configuration. Each factory imports its mode on demand, so a process
 * loads only the mode it runs: the Kubernetes client alone (pod mode) costs some 45 MB of RSS and a second of
 * start-up that the GPU exporter, under its 128 Mi limit, cannot spare.
 */
import type { DetectorConfig } from '../runtime/config.js';
import type { Mode, ModeName } from '../runtime/mode.js';

export type ModeFactory = (config: DetectorConfig) => Promise<Mode>;

const MODE_FACTORIES: Partial<Record<ModeName, ModeFactory>> = {
  'gpu-exporter': async (config) => new (await import('./gpu-exporter.js')).GpuExporterMode({ nvidiaSmi: config.nvidiaSmi }),
  gpu: async (config) => {
    const { GpuMode, parseGpuSettings } = await import('./gpu.js');
    return new GpuMode(parseGpuSettings(config.settings));
  },
  pod: async (config) => (await import('./pod.js')).createPodMode(config),
  disk: async (config) => (await import('./disk.js')).createDiskMode(config),
  process: async (config) => {
    const { ProcessMode, parseProcessSettings } = await import('./process.js');
    return new ProcessMode(parseProcessSettings(config.settings), { procDir: config.procDir, hostRoot: config.hostRoot });
  },
};

/** The mode the configuration names, loaded with what it imports and nothing more; an error lists the modes this build has. */
export async function createMode(config: DetectorConfig): Promise<Mode> {
  const factory = MODE_FACTORIES[config.mode];
  if (!factory) throw new Error(`mode '${config.mode}' is not built into this image; available: ${Object.keys(MODE_FACTORIES).join(', ') || 'none'}`);
  return factory(config);
}
