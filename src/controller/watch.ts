import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { statusQuery, type OperationStatus } from '../contracts';

/**
 * Follows a running operation through its status query until it ends, calling `onStatus` with each answer, and
 * returns how it ended. Queries never change the workflow, so watching is safe to stop at any time.
 */
export async function watchOperation<T>(
  handle: WorkflowHandle,
  onStatus: (status: OperationStatus) => void,
  intervalMs = 250,
): Promise<{ ok: true; result: T } | { ok: false; error: unknown }> {
  await started(handle, intervalMs);
  const outcome = handle.result().then(
    (result: unknown) => ({ ok: true as const, result: result as T }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  let finished = false;
  void outcome.then(() => (finished = true));
  while (!finished) {
    try {
      onStatus(await handle.query(statusQuery));
    } catch {
      // The first workflow task may not have run yet; the next look will tell.
    }
    await Promise.race([outcome, new Promise((resolve) => setTimeout(resolve, intervalMs))]);
  }
  try {
    onStatus(await handle.query(statusQuery));
  } catch {
    // A workflow that failed before registering its query has no status to show.
  }
  return outcome;
}

/**
 * Waits (10 s at most) until the workflow exists: an entity names its operation a moment before the child workflow is
 * started, and a watcher that asked in between would find nothing to follow.
 */
async function started(handle: WorkflowHandle, intervalMs: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await handle.describe();
      return;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError) || Date.now() > deadline) return;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, 50)));
  }
}
