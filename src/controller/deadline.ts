import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';

/**
 * Whether a call ran out of time: a gRPC DEADLINE_EXCEEDED, the update's own timeout error, or a CANCELLED that came
 * once the deadline had passed (on a loaded machine the client's retry layer cancels the call at the deadline before
 * gRPC reports it exceeded: seen in CI as `1 CANCELLED: Call cancelled` from a query to an entity with no worker).
 */
export function isDeadline(err: unknown, deadline: number): boolean {
  const [CANCELLED, DEADLINE_EXCEEDED] = [1, 4];
  for (let current = err; current instanceof Error; current = current.cause) {
    if (current instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
    const { code } = current as { code?: unknown };
    if (code === DEADLINE_EXCEEDED) return true;
    if (code === CANCELLED && Date.now() >= deadline) return true;
  }
  return false;
}
