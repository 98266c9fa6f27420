import { CancellationScope } from '@temporalio/workflow';

/**
 * Runs tasks side by side. If one fails, the others are cancelled and awaited before the failure is passed on, so
 * no branch is still creating resources while the caller undoes them.
 */
export async function allOrNothing<T>(tasks: (() => Promise<T>)[]): Promise<T[]> {
  // One task needs no scope of its own (and fewer promises mean less work for the SDK's stack tracking).
  if (tasks.length === 1 && tasks[0]) return [await tasks[0]()];
  const scope = new CancellationScope();
  const running = tasks.map((task) => scope.run(task));
  try {
    return await Promise.all(running);
  } catch (err) {
    scope.cancel();
    await Promise.allSettled(running);
    throw err;
  }
}

/** Runs tasks side by side to the end, then passes on the first failure, if any (for forward-only steps). */
export async function allToTheEnd<T>(tasks: (() => Promise<T>)[]): Promise<T[]> {
  const outcomes = await Promise.allSettled(tasks.map((task) => task()));
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
}
