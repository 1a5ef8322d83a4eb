import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes an executable `nvidia-smi` into `<dir>/bin` that replays the real H100 trace (replay-nvidia-smi.mjs). The
 * phase it plays is the first word of the file ODIN_REPLAY_CONTROL names, or of `controlFile` when given (baked into
 * the script, for an exporter running inside the test process). Returns the bin directory, for PATH.
 */
export function installNvidiaSmiStandIn(dir: string, controlFile?: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const script = join(bin, 'nvidia-smi');
  const control = controlFile === undefined ? '' : `ODIN_REPLAY_CONTROL="${controlFile}" `;
  writeFileSync(script, `#!/bin/sh\n${control}exec "${process.execPath}" "${join(import.meta.dirname, 'replay-nvidia-smi.mjs')}" "$@"\n`);
  chmodSync(script, 0o755);
  return bin;
}
