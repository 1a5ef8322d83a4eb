import { resolve } from 'node:path';
import { loadConfig } from './lib/config-file.js';
import { writeDist } from './lib/synth.js';

/** `--config FILE` (or ODIN_CONFIG) and `--outdir DIR` (or CDK8S_OUTDIR, default dist). */
function parseArgs(argv: readonly string[]): { configFile?: string; outdir: string } {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    if (i >= 0 && (i + 1 >= argv.length || argv[i + 1].startsWith('--'))) throw new Error(`${flag} needs a value`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const unknown = argv.filter((a, i) => a.startsWith('--') && !['--config', '--outdir'].includes(a) && !['--config', '--outdir'].includes(argv[i - 1]));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown[0]}; usage: main.ts [--config FILE] [--outdir DIR]`);
  return {
    configFile: value('--config') ?? (process.env.ODIN_CONFIG || undefined),
    outdir: value('--outdir') ?? (process.env.CDK8S_OUTDIR || 'dist'),
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
