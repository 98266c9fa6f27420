import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import type { HeartbeatWatch } from '../../src/activities/health';
import { MemoryHeartbeatStore } from '../../src/controller/health/store';
import {
  createNoopDrivers,
  type Drivers,
  type InventoryItem,
  type NoopDriverOptions,
  type NoopDrivers,
} from '../../src/drivers';
import type { CreateLoadBalancerInput, Timing } from '../../src/models';
import { statusQuery, type OperationStatus } from '../../src/contracts';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../harness/temporal';

/** Timing for tests: short waits and few attempts, so failures surface in seconds. */
export const FAST_TIMING: Timing = {
  activityTimeoutMs: 2_000,
  maxAttempts: 3,
  retryInitialIntervalMs: 100,
  compensationMaxAttempts: 5,
  buildPollIntervalMs: 50,
  buildPollAttempts: 100,
};

/** A worker with fresh noop drivers on its own task queue of the test server. */
export interface Orchestrator {
  temporal: TestTemporal;
  taskQueue: string;
  drivers: NoopDrivers;
  /** The heartbeats the worker's health manager activities read (tests record into it). */
  heartbeats: MemoryHeartbeatStore;
  /** The inventory before any workflow ran: a leak check compares against it. */
  baseline: InventoryItem[];
  stop(): Promise<void>;
}

/** Starts a worker with fresh noop drivers on its own task queue (see {@link startTestWorker} for its workflows). */
export async function startOrchestrator(
  options: {
    noop?: NoopDriverOptions;
    temporal?: TestTemporal;
    workflowBundle?: WorkflowBundleOption;
    /** The worker's data converter (a payload codec), when the test's client uses the same. */
    dataConverter?: DataConverter;
    /** The task queue to poll (a worker that comes back after another stopped); a fresh one by default. */
    taskQueue?: string;
  } = {},
): Promise<Orchestrator> {
  const temporal = options.temporal ?? (await connectTestTemporal());
  const drivers = createNoopDrivers({ buildDelayMs: 100, ...options.noop });
  const taskQueue = options.taskQueue ?? uniqueTaskQueue('orchestrator');
  const heartbeats = new MemoryHeartbeatStore();
  const worker = await startTestWorker(temporal, drivers, { ...options, taskQueue, heartbeats });
  return {
    temporal,
    taskQueue,
    drivers,
    heartbeats,
    baseline: drivers.inventory(),
    async stop() {
      drivers.faults.releaseHangs();
      await worker.stop();
      drivers.close();
      if (!options.temporal) await temporal.close();
    },
  };
}

/**
 * Runs a worker with `drivers`' activities on `taskQueue`: the workflows of `workflowBundle` when given (a changed
 * copy, for replay tests), else the bundle the jest global setup made, else it bundles src/workflows.
 *
 * @returns `stop()`, which shuts the worker down and waits for it.
 */
export async function startTestWorker(
  temporal: TestTemporal,
  drivers: Pick<Drivers, 'compute' | 'network' | 'amphora'>,
  options: {
    taskQueue: string;
    workflowBundle?: WorkflowBundleOption;
    dataConverter?: DataConverter;
    /** The heartbeat store the health manager's activities read (tests of automatic failover). */
    heartbeats?: HeartbeatWatch;
  },
): Promise<{ stop(): Promise<void> }> {
  const codePath = process.env.AMPHORA_TEST_WORKFLOW_BUNDLE;
  const workflows = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : codePath
      ? { workflowBundle: { codePath } }
      : { workflowsPath: require.resolve('../../src/workflows') };
  const worker = await Worker.create({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(drivers, { temporalClient: temporal.client, heartbeats: options.heartbeats }),
    ...workflows,
    dataConverter: options.dataConverter,
    shutdownGraceTime: '1s',
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

/** A valid create request on the noop cloud's default networks. */
export function createRequest(overrides: Partial<CreateLoadBalancerInput> = {}): CreateLoadBalancerInput {
  return {
    loadBalancerId: randomUUID(),
    projectId: 'project-test',
    name: 'web',
    topology: 'SINGLE',
    vip: { subnetId: 'vip-subnet' },
    amphora: { imageId: 'amphora-image', flavor: 'amphora-flavor', managementNetworkId: 'lb-mgmt-net' },
    listenerPorts: [{ protocol: 'TCP', port: 80 }],
    timing: FAST_TIMING,
    ...overrides,
  };
}

/** The status query's answer. */
export function statusOf(handle: WorkflowHandle): Promise<OperationStatus> {
  return handle.query(statusQuery);
}

/** What a failed workflow ended with: the failure chain's messages and types, for assertions. */
export async function failureOf(
  handle: WorkflowHandle,
): Promise<{ message: string; type?: string; details?: unknown[]; chain: string }> {
  try {
    await handle.result();
  } catch (err) {
    const parts: string[] = [];
    let current: unknown = err;
    while (current instanceof Error) {
      parts.push(`${current.name}: ${current.message}`);
      current = current.cause;
    }
    const failure = (err as { cause?: { message: string; type?: string; details?: unknown[] } }).cause;
    return {
      message: failure?.message ?? String(err),
      type: failure?.type,
      details: failure?.details,
      chain: parts.join(' <- '),
    };
  }
  throw new Error(`workflow ${handle.workflowId} succeeded, but a failure was expected`);
}
