import type { WorkerOptions } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { createNoopDrivers } from '../../src/drivers';
import { createLogger } from '../../src/logger';
import { startWorker } from '../../src/worker';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../harness/temporal';

/**
 * A worker evaluates its workflow modules once and shares them across its workflows (src/workflow-interceptors.ts,
 * `sharedWorkflowModules`), instead of once per workflow it holds. That is safe only if no workflow can change what
 * another sees: the SDK freezes what shared modules export, so a workflow that tries is refused. Both cases bundle the
 * fixture's workflows the way the product's worker bundles its own (startWorker with a `workflowsPath`); the second
 * turns the sharing off, to show what the first would see without it.
 */

const FIXTURE = require.resolve('../harness/fixtures/module-state-workflows');

let temporal: TestTemporal;
beforeAll(async () => {
  temporal = await connectTestTemporal();
});
afterAll(async () => {
  await temporal.close();
});

/** Runs one workflow that tries to change a module's constant, then another that looks for the change. */
async function changeThenLook(worker: Partial<WorkerOptions>): Promise<{ first: string; second: boolean }> {
  const taskQueue = uniqueTaskQueue('shared-modules');
  const config = loadConfig({
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    AMPHORA_TASK_QUEUE: taskQueue,
  });
  const running = await startWorker(config, createLogger('silent'), {
    drivers: createNoopDrivers(),
    worker: { workflowsPath: FIXTURE, ...worker },
  });
  try {
    const id = `shared-modules-${taskQueue}`;
    const first = await temporal.client.workflow.execute<() => Promise<string>>('changeModuleConstant', {
      taskQueue,
      workflowId: `${id}-change`,
    });
    const second = await temporal.client.workflow.execute<() => Promise<boolean>>('seesPlantedKey', {
      taskQueue,
      workflowId: `${id}-look`,
    });
    return { first, second };
  } finally {
    await running.stop();
  }
}

describe("a worker's workflows share their modules, and cannot change them for each other", () => {
  it('refuses a workflow that changes a shared module constant, and the next workflow sees it unchanged', async () => {
    expect(await changeThenLook({})).toEqual({ first: 'refused', second: false });
  });

  it('without sharing, each workflow changes only its own copy of the module (what sharing saves)', async () => {
    expect(await changeThenLook({ bundlerOptions: { preloadModules: [] } })).toEqual({
      first: 'changed',
      second: false,
    });
  });
});
