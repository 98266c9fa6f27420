import { randomUUID } from 'node:crypto';
import Long from 'long';
import { Client, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { createNoopDrivers, type NoopDrivers } from '../../src/drivers';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/contracts';
import { sweepOrphans } from '../../src/workflows';
import type { TestTemporal } from '../harness/temporal';

/**
 * A namespace of its own on the test server. The sweeper looks at every running workflow of its namespace, so tests
 * that run side by side in `default` (and the workflows they leave running) must not be in its view.
 */
export async function freshNamespace(temporal: TestTemporal): Promise<{ namespace: string; client: Client }> {
  const namespace = `sweeper-${randomUUID().slice(0, 8)}`;
  await temporal.client.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) },
  });
  const keyword = proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  const keywordList = proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST;
  const deadline = Date.now() + 30_000;
  // The namespace becomes usable once every server component has seen it: retry until it is.
  for (;;) {
    try {
      await temporal.client.connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(
          ALL_SEARCH_ATTRIBUTES.map((key) => [key.name, key.type === 'KEYWORD_LIST' ? keywordList : keyword]),
        ),
      });
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  const client = new Client({ connection: temporal.client.connection, namespace });
  for (;;) {
    try {
      const listed = await temporal.client.connection.operatorService.listSearchAttributes({ namespace });
      if (Object.keys(listed.customAttributes ?? {}).includes('LoadBalancerId')) {
        await client.workflow.count('LoadBalancerId IS NOT NULL');
        break;
      }
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`namespace ${namespace} never got its search attributes`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { namespace, client };
}

/** A worker in the sweeper's namespace with fresh noop drivers, whose sweeper activities have a Temporal client. */
export interface SweeperBed {
  client: Client;
  taskQueue: string;
  drivers: NoopDrivers;
  stop(): Promise<void>;
}

export async function startSweeperBed(
  temporal: TestTemporal,
  space: { namespace: string; client: Client },
): Promise<SweeperBed> {
  const drivers = createNoopDrivers({ buildDelayMs: 50 });
  const taskQueue = `sweeper-${randomUUID().slice(0, 8)}`;
  const codePath = process.env.AMPHORA_TEST_WORKFLOW_BUNDLE;
  const worker = await Worker.create({
    connection: temporal.nativeConnection,
    namespace: space.namespace,
    taskQueue,
    activities: createActivities(drivers, { temporalClient: space.client }),
    ...(codePath ? { workflowBundle: { codePath } } : { workflowsPath: require.resolve('../../src/workflows') }),
    shutdownGraceTime: '1s',
  });
  const running = worker.run();
  return {
    client: space.client,
    taskQueue,
    drivers,
    async stop() {
      drivers.faults.releaseHangs();
      worker.shutdown();
      await running;
      drivers.close();
    },
  };
}

/**
 * Runs `body` on a fresh bed, then terminates whatever it left running on the bed's task queue (a failed test must
 * not leave running workflows behind for the next sweep to see) and stops the bed.
 */
export async function withSweeperBed(
  temporal: TestTemporal,
  space: { namespace: string; client: Client },
  body: (bed: SweeperBed) => Promise<void>,
): Promise<void> {
  const bed = await startSweeperBed(temporal, space);
  try {
    await body(bed);
  } finally {
    try {
      const query = `TaskQueue = "${bed.taskQueue}" AND ExecutionStatus = "Running"`;
      for await (const execution of bed.client.workflow.list({ query })) {
        // Visibility lags by milliseconds: a workflow listed as running may have just completed.
        await bed.client.workflow
          .getHandle(execution.workflowId, execution.runId)
          .terminate('test over')
          .catch((err: unknown) => {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          });
      }
    } finally {
      await bed.stop();
    }
  }
}

/** Starts one sweep on the bed's task queue. */
export function startSweep(bed: SweeperBed, input: { dryRun: boolean; graceMs: number }): Promise<WorkflowHandle> {
  return bed.client.workflow.start(sweepOrphans, {
    taskQueue: bed.taskQueue,
    workflowId: `sweep-${randomUUID()}`,
    args: [input],
  });
}
