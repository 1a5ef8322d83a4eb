import type { ModeContext } from './mode.js';

/**
 * Training retried from a detection cycle (a model still missing or immature): a failure is counted as `training`
 * and logged, and the cycle goes on scoring with what it has. An abort is passed on.
 */
export async function retryTraining(ctx: ModeContext<'training'>, signal: AbortSignal, train: () => Promise<void>, what: string): Promise<void> {
  try {
    await train();
  } catch (err) {
    if (signal.aborted) throw err;
    ctx.countError?.('training');
    ctx.log.error(`${what} training retry failed`, { error: err });
  }
}
