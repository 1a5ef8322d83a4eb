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
 * answers are compared whole), stdout and stderr when it fails. Never throws when the tool runs and exits; throws
 * when it cannot run at all (not installed: Node reports `status: null`, `code: 'ENOENT'`) or is killed by a signal,
 * so that a missing tool never passes for a tool that refused its input.
 */
export function runTool(command: string, args: readonly string[]): { status: number; output: string } {
  try {
    const output = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: 0, output };
  } catch (err) {
    const e = err as { status?: number | null; signal?: string | null; code?: string; stdout?: string; stderr?: string; message: string };
    if (typeof e.status !== 'number') {
      throw new Error(`${command} could not run (${e.code ?? e.signal ?? e.message}): it must be installed and on PATH (.ci/run installs it)`);
    }
    return { status: e.status, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
