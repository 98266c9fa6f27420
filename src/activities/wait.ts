import type { Context } from '@temporalio/activity';

/** The waits of one activity attempt: see {@link cancellableWaits}. */
export interface CancellableWaits {
  /** Waits `ms`, or ends at once with the attempt's CancelledFailure when the attempt is cancelled. */
  wait(ms: number): Promise<void>;
  /** Stops listening for the cancel; call it when the attempt is done waiting. */
  close(): void;
}

/**
 * Waits inside one activity attempt, each ending early with the attempt's CancelledFailure when it is cancelled.
 *
 * Two costs are avoided, both found in a storm of a thousand amphorae booting at 100 ms looks:
 * - the SDK's `Context.sleep` chains each wait onto the attempt's cancellation promise, which stays pending while the
 *   attempt runs, so every finished wait stayed reachable (about 1.4 KB a look; 300 MB in that storm);
 * - a wait with its own abort listener (`timers/promises`) adds and removes one per look, ten thousand a second there.
 *   Here one listener serves every wait of the attempt.
 */
export function cancellableWaits(context: Context): CancellableWaits {
  const signal = context.cancellationSignal;
  let wake: (() => void) | undefined;
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort, { once: true });
  return {
    async wait(ms) {
      if (!signal.aborted) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      // The signal's abort carries no failure of its own; `cancelled` has rejected with the attempt's.
      if (signal.aborted) await context.cancelled;
    },
    close() {
      signal.removeEventListener('abort', onAbort);
    },
  };
}
