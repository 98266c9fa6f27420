import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { statusQuery, type OperationStatus } from '../contracts';

/** How often the last look at an ended operation is tried: it needs a worker to replay the whole history. */
const LAST_LOOK_ATTEMPTS = 3;

/**
 * Follows a running operation through its status query until it ends, calling `onStatus` with each answer, and
 * returns how it ended. Queries never change the workflow, so watching is safe to stop at any time.
 *
 * `onUnreadable` hears why the ended operation's last status could not be read (its last steps then go unshown):
 * silence there would pass a partial list of steps off as the whole.
 */
export async function watchOperation<T>(
  handle: WorkflowHandle,
  onStatus: (status: OperationStatus) => void,
  intervalMs = 250,
  onUnreadable: (error: unknown) => void = () => undefined,
): Promise<{ ok: true; result: T } | { ok: false; error: unknown }> {
  await started(handle, intervalMs);
  const outcome = handle.result().then(
    (result: unknown) => ({ ok: true as const, result: result as T }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  let finished = false;
  void outcome.then(() => (finished = true));
  let answered = false;
  while (!finished) {
    try {
      onStatus(await handle.query(statusQuery));
      answered = true;
    } catch {
      // The first workflow task may not have run yet; the next look will tell.
    }
    await Promise.race([outcome, new Promise((resolve) => setTimeout(resolve, intervalMs))]);
  }
  const ended = await outcome;
  for (let attempt = 1; attempt <= LAST_LOOK_ATTEMPTS; attempt++) {
    try {
      onStatus(await handle.query(statusQuery));
      return ended;
    } catch (err) {
      // A workflow that failed before registering its query has no status to show, and nothing was shown of it.
      if (!answered && !ended.ok) return ended;
      if (attempt === LAST_LOOK_ATTEMPTS) onUnreadable(err);
      else await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
  return ended;
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
