#!/usr/bin/env node
// The `odin-detect` command. It loads the TypeScript sources through tsx's register API, so `npx odin-detect`
// works in a checkout without a build step.
//   odin-detect score --input FILE.csv [--detector gpu]   score recorded data (detectors/cli/score-csv.ts)
//   odin-detect backtest --prometheus URL --query PROMQL --start T   what a detector would have said (detectors/cli/backtest.ts)
//   odin-detect classify < events.jsonl                    classify processes (detectors/cli/classify.ts)
//   odin-detect run <mode>                                  run a detector mode in the foreground (detectors/main.ts)
import { register } from 'tsx/esm/api';

const USAGE = 'usage: odin-detect score --input FILE.csv [--detector gpu] | backtest --prometheus URL --query PROMQL --start TIME | classify | run <gpu-exporter|gpu|pod|process|disk>';
const COMMANDS = {
  score: '../detectors/cli/score-csv.ts',
  backtest: '../detectors/cli/backtest.ts',
  classify: '../detectors/cli/classify.ts',
};

register();
const [command, ...rest] = process.argv.slice(2);
// A reader that goes away (`| head`) is not an error.
process.stdout.on('error', (err) => process.exit(err.code === 'EPIPE' ? 0 : 1));

if (command === 'run') {
  const { runMain } = await import('../detectors/main.ts');
  await runMain(rest).catch((err) => {
    process.stderr.write(`odin-detect run: ${err.message}\n`);
    process.exit(1);
  });
} else if (Object.hasOwn(COMMANDS, command)) {
  const { main } = await import(COMMANDS[command]);
  process.exitCode = await main(rest);
} else {
  process.stderr.write(`${command ? `unknown command '${command}'\n` : ''}${USAGE}\n`);
  process.exitCode = 2;
}
