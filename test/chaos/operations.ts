import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { OperationStatus } from '../../src/contracts';

/** How an operation ended, as the client saw it. */
export type Outcome<T> =
  { ok: true; value: T } | { ok: false; failureType: string; message: string; status?: OperationStatus };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `body` again while the server cannot be reached (it is being restarted), until it succeeds or `deadline`
 * passes. Workflow failures are outcomes, not transport errors, and are passed on at once.
 */
async function throughOutages<T>(what: string, deadline: number, body: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await body();
    } catch (err) {
      if (err instanceof WorkflowFailedError || err instanceof WorkflowExecutionAlreadyStartedError) throw err;
      if (Date.now() > deadline) {
        throw new Error(`${what}: still failing after ${attempt} attempts: ${String(err)}`, { cause: err });
      }
      await sleep(Math.min(250 * attempt, 2_000));
    }
  }
}

/**
 * Starts a workflow and waits for its end, riding out server restarts: a start whose answer was lost is found by
 * its workflow id, and the result is asked for again. On failure, the status query says what the workflow held.
 */
export async function runOperation<T>(
  client: Client,
  workflowType: Workflow | string,
  options: { taskQueue: string; workflowId: string; args: unknown[] },
  deadline: number,
): Promise<Outcome<T>> {
  let handle: WorkflowHandle;
  try {
    handle = await throughOutages(`start ${options.workflowId}`, deadline, () =>
      client.workflow.start(workflowType, options),
    );
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    handle = client.workflow.getHandle(options.workflowId);
  }
  try {
    const value = (await throughOutages(`result of ${options.workflowId}`, deadline, () => handle.result())) as T;
    return { ok: true, value };
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    const failure = err.cause as { type?: string; name?: string; message?: string } | undefined;
    const status = await throughOutages(`status of ${options.workflowId}`, deadline, () =>
      handle.query<OperationStatus>('status'),
    ).catch(() => undefined);
    return {
      ok: false,
      failureType: failure?.type ?? failure?.name ?? 'unknown',
      message: failure?.message ?? err.message,
      status,
    };
  }
}

/** Runs `task` on every item with at most `limit` at a time. */
export async function inPool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await task(item);
    }
  });
  await Promise.all(lanes);
}

/** The status query, asked again while the server is away. */
export function statusWithRetries(client: Client, workflowId: string, deadline: number): Promise<OperationStatus> {
  return throughOutages(`status of ${workflowId}`, deadline, () =>
    client.workflow.getHandle(workflowId).query<OperationStatus>('status'),
  );
}

/**
 * The workflows on `taskQueue` that are still running. Visibility lists are eventually consistent (on the cluster,
 * a workflow that has just completed can still be listed as Running for a moment), so each one listed is confirmed
 * with `describe`, which reads the workflow itself.
 */
export async function stillRunning(client: Client, taskQueue: string): Promise<string[]> {
  const listed: { workflowId: string; runId: string }[] = [];
  for await (const execution of client.workflow.list({
    query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`,
  })) {
    listed.push({ workflowId: execution.workflowId, runId: execution.runId });
  }
  const running: string[] = [];
  await inPool(listed, 8, async ({ workflowId, runId }) => {
    const { status } = await client.workflow.getHandle(workflowId, runId).describe();
    if (status.name === 'RUNNING') running.push(workflowId);
  });
  return running;
}
