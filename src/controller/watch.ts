import type { WorkflowHandle } from '@temporalio/client';
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
