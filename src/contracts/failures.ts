import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  TemporalFailure,
} from '@temporalio/common';
import type { Amphora } from '../models';
import type { OperationName } from './operations';

/**
 * Every failure type the workflows raise or reject with, as it appears in the Temporal UI and to clients (the API maps
 * them to HTTP statuses).
 */
export const FailureTypes = {
  /** The input was invalid; nothing was attempted. */
  validation: 'ValidationError',
  /** A step failed and everything before it was undone. */
  stepFailed: 'StepFailedError',
  /** A step failed, and undoing left resources behind; `details[0].leaked` names them. */
  resourcesLeaked: 'ResourcesLeakedError',
  /** The operation does not apply (an unknown amphora, a load balancer without a VIP). */
  notApplicable: 'NotApplicableError',
  /** An update the entity refuses because the load balancer is PENDING_*: Octavia's 409. */
  conflict: 'ConflictError',
  /** The load balancer, or the amphora named, does not exist (any more): 404. */
  notFound: 'NotFoundError',
  /** A worker set up without something an activity needs (the sweeper's Temporal client). */
  configuration: 'ConfigurationError',
} as const;

/** A resource an undo could not remove, with the reason. */
export interface LeakedResource {
  resource: string;
  error: string;
}

/** What a failed operation reports in its failure's details. */
export interface OperationFailureDetails {
  operation: OperationName;
  loadBalancerId: string;
  failedStep?: string;
  /** The failure type of the step's own error, such as `PlugVipError`. */
  causeType?: string;
  undone: string[];
  leaked: LeakedResource[];
  /**
   * The amphorae that exist now, when a forward-only operation stopped part way (a failover whose replacement serves
   * while the old amphora could not be removed): the entity takes its record's amphorae from here, so that a delete
   * removes all of them and the sweeper sees them held. Absent after a rollback, which leaves the record as it was.
   */
  amphorae?: Amphora[];
}

/** The innermost useful message and type of a failure chain (activity or child workflow -> application failure). */
export function describeFailure(err: unknown): { type: string; message: string } {
  let current: unknown = err;
  while ((current instanceof ActivityFailure || current instanceof ChildWorkflowFailure) && current.cause) {
    current = current.cause;
  }
  if (current instanceof ApplicationFailure) return { type: current.type ?? 'Error', message: current.message };
  if (current instanceof CancelledFailure) return { type: 'CancelledFailure', message: 'cancelled' };
  if (current instanceof TemporalFailure) return { type: current.name, message: current.message };
  if (current instanceof Error) return { type: current.name, message: current.message };
  return { type: 'Error', message: String(current) };
}

/** The details a failed operation reported, found through the child-workflow and activity failures around them. */
export function failureDetails(err: unknown): OperationFailureDetails | undefined {
  let current: unknown = err;
  while ((current instanceof ActivityFailure || current instanceof ChildWorkflowFailure) && current.cause) {
    current = current.cause;
  }
  const details = current instanceof ApplicationFailure ? current.details?.[0] : undefined;
  return details && typeof details === 'object' && 'operation' in details
    ? (details as OperationFailureDetails)
    : undefined;
}
