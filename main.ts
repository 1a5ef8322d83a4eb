import { resolve } from 'node:path';
import { parseOptions } from './lib/cli-options.js';
import { loadConfig } from './lib/config-file.js';
import { writeDist } from './lib/synth.js';

/** `--config FILE` (or ODIN_CONFIG) and `--outdir DIR` (or CDK8S_OUTDIR, default dist). */
function parseArgs(argv: readonly string[]): { configFile?: string; outdir: string } {
  const options = parseOptions(argv, ['--config', '--outdir'], 'main.ts [--config FILE] [--outdir DIR]');
  return {
    configFile: options['--config'] ?? (process.env.ODIN_CONFIG || undefined),
    outdir: options['--outdir'] ?? (process.env.CDK8S_OUTDIR || 'dist'),
  };
}

try {
  const args = parseArgs(process.argv.slice(2));
  const count = writeDist(loadConfig(args.configFile), resolve(args.outdir));
  console.log(`synthesized ${count} objects into ${args.outdir}/`);
} catch (err) {
  console.error(`odin synth failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
