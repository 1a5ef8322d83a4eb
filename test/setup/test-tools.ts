/**
 * `npm test`'s `pretest`: the tests start and call Debian's Prometheus, Alertmanager, node-exporter and Chromium (the backtest report). When one is
 * missing, root on a machine with apt-get (Debian, Ubuntu, CI) installs them; anyone else is stopped at once with
 * the exact command to run.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { onPath } from '../../scripts/on-path.js';

/** The commands the tests run, and the Debian package of each. */
export const TEST_TOOLS: Readonly<Record<string, string>> = {
  prometheus: 'prometheus',
  promtool: 'prometheus',
  'prometheus-alertmanager': 'prometheus-alertmanager',
  amtool: 'prometheus-alertmanager',
  'prometheus-node-exporter': 'prometheus-node-exporter',
  setpriv: 'util-linux',
  chromium: 'chromium',
};

/** What to do about the missing tools. */
export type ToolPlan =
  | { readonly action: 'none' }
  | { readonly action: 'install'; readonly commands: ReadonlyArray<readonly string[]> }
  | { readonly action: 'stop'; readonly message: string };

/** The packages that provide `missing` commands, each once, in a stable order. */
export function packagesFor(missing: readonly string[]): string[] {
  return [...new Set(missing.map((command) => TEST_TOOLS[command]))].sort();
}

/** Install as root with apt-get, otherwise stop with the command that would. */
export function planToolInstall(missing: readonly string[], isRoot: boolean, hasAptGet: boolean): ToolPlan {
  if (missing.length === 0) return { action: 'none' };
  const packages = packagesFor(missing);
  const install = ['apt-get', 'install', '-y', '--no-install-recommends', ...packages];
  if (isRoot && hasAptGet) return { action: 'install', commands: [['apt-get', 'update'], install] };
  const what = `npm test needs ${missing.join(', ')}, not found on PATH.`;
  if (hasAptGet) return { action: 'stop', message: `${what} Run:\n  sudo apt-get update && sudo ${install.join(' ')}\nthen npm test again.` };
  return {
    action: 'stop',
    message: `${what} This machine has no apt-get: install the Debian packages' equivalents (${packages.join(', ')}) so that `
      + `${missing.join(', ')} are on PATH, then npm test again.`,
  };
}

const missingTools = () => Object.keys(TEST_TOOLS).filter((command) => !onPath(command));

function main(): number {
  const plan = planToolInstall(missingTools(), process.getuid?.() === 0, onPath('apt-get'));
  if (plan.action === 'stop') {
    process.stderr.write(`${plan.message}\n`);
    return 1;
  }
  if (plan.action === 'install') {
    for (const command of plan.commands) {
      process.stderr.write(`pretest: ${command.join(' ')}\n`);
      const run = spawnSync(command[0], command.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      if (run.status !== 0) return 1;
    }
    const still = missingTools();
    if (still.length > 0) {
      process.stderr.write(`npm test needs ${still.join(', ')}, still not found on PATH after apt-get install\n`);
      return 1;
    }
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main();
