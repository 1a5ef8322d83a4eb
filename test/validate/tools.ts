import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory for one test. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `odin-${prefix}-`));
}

/**
 * Runs a Debian tool (promtool, amtool) and returns its exit status and output: stdout alone when it succeeds (amtool's
 * answers are compared whole), stdout and stderr when it fails. Never throws on failure; throws when it cannot run.
 */
export function runTool(command: string, args: readonly string[]): { status: number; output: string } {
  try {
    const output = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: 0, output };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string; message: string };
    if (e.status === undefined) throw new Error(`${command} could not run (is it installed? .ci/run installs it): ${e.message}`);
    return { status: e.status, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

