import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  makeContinueAsNewFunc,
  workflowInfo,
} from '@temporalio/workflow';
import { FailureTypes, type LoadBalancerEntityInput, type LoadBalancerRecord } from '../contracts';
import { LoadBalancerEntity } from './entity/load-balancer';

/** Continue as new well before a history gets heavy; the record is all the state there is. */
const DEFAULT_HISTORY_LIMIT = 5_000;

/**
 * One load balancer, for as long as it exists: holds its record (no second database), accepts mutations as updates
 * and runs each as a child workflow, one at a time. While an operation runs the load balancer is PENDING_* and every
 * other mutation is rejected as a conflict before anything starts. History stays bounded: the entity continues as new
 * when Temporal suggests it. It ends when the load balancer is deleted, returning the DELETED record; cancelling it
 * deletes the load balancer first. Its operations are children that a closing entity asks to cancel, so that a
 * terminated entity's create still rolls back.
 */
export async function loadBalancerEntity(input: LoadBalancerEntityInput): Promise<LoadBalancerRecord> {
  // Checked before anything reads the input: a malformed one must fail the workflow once, not crash its task forever.
  if (!input || typeof input !== 'object' || !('create' in input || 'resume' in input)) {
    throw ApplicationFailure.create({
      type: FailureTypes.validation,
      nonRetryable: true,
      message:
        'Invalid loadBalancerEntity request: (request): expected { create: <createLoadBalancer input> } or { resume: <entity state> }. Nothing was created; start it through the controller.',
    });
  }
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const tooLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit;
  const entity = new LoadBalancerEntity(input, workflowInfo().startTime.toISOString());
  entity.listen();

  const serve = async (): Promise<LoadBalancerRecord> => {
    for (;;) {
      await condition(() => entity.pending !== undefined || tooLong());
      if (entity.pending) {
        await entity.runPending();
        if (entity.deleted) {
          await condition(allHandlersFinished);
          return entity.record;
        }
      } else {
        await condition(allHandlersFinished);
        if (!entity.pending) {
          await makeContinueAsNewFunc<typeof loadBalancerEntity>(entity.published)({
            resume: entity.state,
            historyLimit,
          });
        }
      }
    }
  };
  try {
    return await serve();
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Cancelling the entity (the Temporal UI's Cancel button) deletes the load balancer: an operation that was running
    // got the cancel too and rolled back; the delete then removes the rest. Ending without it would leave the
    // resources held by nothing the API can reach. A delete that fails keeps the entity serving, in ERROR.
    return await CancellationScope.nonCancellable(() => {
      entity.acceptDelete();
      return serve();
    });
  }
}
