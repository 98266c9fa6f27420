import { ApplicationFailure, CancellationScope, CancelledFailure, isCancellation } from '@temporalio/workflow';
import { describeFailure, FailureTypes, type OperationFailureDetails } from './failures';
import type { Progress } from './progress';
import type { Saga } from './saga';
import type { StepRunner } from './steps';

const OPERATION_TITLES = {
  create: 'Create of load balancer',
  delete: 'Delete of load balancer',
  failover: 'Failover on load balancer',
  'plug-network': 'Member network plug on load balancer',
  'unplug-network': 'Member network unplug on load balancer',
  'create-amphora': 'Amphora create for load balancer',
  'load-balancer': 'Load balancer',
} as const;

/**
 * Undoes what an operation did after `err`, sets the load balancer to ERROR, and returns the failure the workflow
 * should end with: the cancellation itself when a cancelled operation was undone cleanly, a StepFailedError naming
 * the failed step when the undo was complete, or a ResourcesLeakedError naming every resource left behind.
 */
export async function rollBack(progress: Progress, saga: Saga, steps: StepRunner, err: unknown): Promise<unknown> {
  const { operation, loadBalancerId } = progress.status;
  const report = await saga.compensate();
  progress.setStatus('ERROR');
  progress.status.leaked = report.leaked;
  const cause = describeFailure(err);
  const failedStep = steps.failedStep;
  const details: OperationFailureDetails = {
    operation,
    loadBalancerId,
    failedStep,
    causeType: cause.type,
    undone: report.undone,
    leaked: report.leaked,
  };
  const cancelled = isCancellation(err) || CancellationScope.current().consideredCancelled;
  const what = `${OPERATION_TITLES[operation]} ${loadBalancerId}`;
  const where = cancelled
    ? 'was cancelled'
    : `failed at step "${failedStep ?? 'validation'}": ${cause.type}: ${cause.message}`;
  const undone = report.undone.length ? `undid ${report.undone.length} step(s)` : 'nothing needed undoing';
  if (report.leaked.length > 0) {
    const leaked = report.leaked.map((leak) => `${leak.resource} (${leak.error})`).join('; ');
    progress.status.error = `${what} ${where}; ${undone}, but could not remove: ${leaked}`;
    return ApplicationFailure.create({
      type: FailureTypes.resourcesLeaked,
      message: `${progress.status.error}. Remove them by hand or let the orphan sweeper collect them.`,
      nonRetryable: true,
      details: [details],
      cause: err instanceof Error ? err : undefined,
    });
  }
  progress.status.error = `${what} ${where}; ${undone}, nothing was left behind`;
  if (cancelled) return new CancelledFailure(progress.status.error, [details]);
  return ApplicationFailure.create({
    type: FailureTypes.stepFailed,
    message: progress.status.error,
    nonRetryable: true,
    details: [details],
    cause: err instanceof Error ? err : undefined,
  });
}

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

/**
 * Ends a forward-only operation (delete, unplug, the old amphora's removal in a failover) that could not finish:
 * nothing is undone, the load balancer goes to ERROR, and the failure says how to finish the job.
 */
export function forwardOnlyFailure(progress: Progress, steps: StepRunner, err: unknown, remedy: string): unknown {
  const { operation, loadBalancerId } = progress.status;
  progress.setStatus('ERROR');
  const cause = describeFailure(err);
  const cancelled = isCancellation(err) || CancellationScope.current().consideredCancelled;
  const where = cancelled
    ? 'was cancelled'
    : `failed at step "${steps.failedStep ?? 'validation'}": ${cause.type}: ${cause.message}`;
  progress.status.error = `${OPERATION_TITLES[operation]} ${loadBalancerId} ${where}; it is now in ERROR. ${remedy}`;
  const details: OperationFailureDetails = {
    operation,
    loadBalancerId,
    failedStep: steps.failedStep,
    causeType: cause.type,
    undone: [],
    leaked: progress.status.leaked,
  };
  if (cancelled) return new CancelledFailure(progress.status.error, [details]);
  return ApplicationFailure.create({
    type: progress.status.leaked.length ? FailureTypes.resourcesLeaked : FailureTypes.stepFailed,
    message: progress.status.error,
    nonRetryable: true,
    details: [details],
    cause: err instanceof Error ? err : undefined,
  });
}

/** Runs tasks side by side to the end, then passes on the first failure, if any (for forward-only steps). */
export async function allToTheEnd<T>(tasks: (() => Promise<T>)[]): Promise<T[]> {
  const outcomes = await Promise.allSettled(tasks.map((task) => task()));
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
}
