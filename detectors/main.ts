/**
 * Entry point of the detector image: `node /app/detectors/main.js <mode>` (or ODIN_MODE). Configuration errors
 * end the process with a clear message; SIGTERM/SIGINT shut it down gracefully within 5 seconds.
 */
import { pathToFileURL } from 'node:url';
import { loadConfig } from './runtime/config.js';
import { startDetector } from './runtime/lifecycle.js';
import { createMode } from './modes/index.js';

/** Kubernetes waits terminationGracePeriodSeconds; we promise to be gone well within 5 s. */
const SHUTDOWN_DEADLINE_MS = 4_500;

export async function runMain(argv: readonly string[]): Promise<void> {
  const config = loadConfig(argv[0]);
  const detector = await startDetector(config, await createMode(config));
  const shutdown = (signal: string) => {
    detector.log.info('signal received', { signal });
    // unref: the timer only matters if something else keeps the process alive.
    setTimeout(() => {
      detector.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    detector.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        detector.log.error('shutdown failed', { error: err });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runMain(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'detector failed to start', error: (err as Error).message })}\n`);
    process.exit(1);
  });
}
