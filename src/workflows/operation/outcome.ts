import { ApplicationFailure, CancellationScope, CancelledFailure, isCancellation } from '@temporalio/workflow';
import {
  describeFailure,
  FailureTypes,
  OPERATIONS,
  type LeakedResource,
  type OperationFailureDetails,
  type OperationStatus,
} from '../../contracts';

/** How an operation that did not finish ended, for its failure. */
export interface Ending {
  status: OperationStatus;
  /** The step that failed first; undefined when validation failed. */
  failedStep?: string;
  /** The undos that ran to the end (rollback), none for a forward-only operation. */
  undone: string[];
  leaked: LeakedResource[];
  /** What the operator should do next (forward-only operations). */
  remedy?: string;
}

/**
 * The failure an operation ends with after `err`, its message also set as the status's error: the cancellation itself
 * when a cancelled operation left nothing behind, a ResourcesLeakedError naming every resource left behind, or a
 * StepFailedError naming the failed step.
 */
export function operationFailure(err: unknown, ending: Ending): unknown {
  const { status, failedStep, undone, leaked, remedy } = ending;
  const cause = describeFailure(err);
  const cancelled = isCancellation(err) || CancellationScope.current().consideredCancelled;
  const what = `${OPERATIONS[status.operation].title} ${status.loadBalancerId}`;
  const where = cancelled
    ? 'was cancelled'
    : `failed at step "${failedStep ?? 'validation'}": ${cause.type}: ${cause.message}`;
  status.leaked = leaked;
  status.error = `${what} ${where}; ${remedy !== undefined ? `it is now in ERROR. ${remedy}` : describeUndo(undone, leaked)}`;
  const details: OperationFailureDetails = {
    operation: status.operation,
    loadBalancerId: status.loadBalancerId,
    failedStep,
    causeType: cause.type,
    undone,
    leaked,
    // Stopped part way forward: what exists now is what the operation saw last, less what it removed.
    ...(remedy !== undefined ? { amphorae: status.amphorae.filter((amphora) => amphora.status !== 'DELETED') } : {}),
  };
  if (cancelled && leaked.length === 0) return new CancelledFailure(status.error, [details]);
  const hint = leaked.length > 0 ? '. Remove them by hand or let the orphan sweeper collect them.' : '';
  return ApplicationFailure.create({
    type: leaked.length > 0 ? FailureTypes.resourcesLeaked : FailureTypes.stepFailed,
    message: `${status.error}${hint}`,
    nonRetryable: true,
    details: [details],
    cause: err instanceof Error ? err : undefined,
  });
}

function describeUndo(undone: string[], leaked: LeakedResource[]): string {
  const did = undone.length ? `undid ${undone.length} step(s)` : 'nothing needed undoing';
  if (leaked.length === 0) return `${did}, nothing was left behind`;
  return `${did}, but could not remove: ${leaked.map((leak) => `${leak.resource} (${leak.error})`).join('; ')}`;
}

/** The failure of an operation that does not apply (an unknown amphora, no VIP): it fails at once, changing nothing. */
export function notApplicable(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureTypes.notApplicable, nonRetryable: true, message });
}
