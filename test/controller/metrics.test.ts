import type { ChildProcess } from 'node:child_process';
import type { FaultPlan } from '../../src/drivers';
import { createLoadBalancer } from '../../src/workflows';
import { freePort } from '../harness/dev-server';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../harness/temporal';
import { startWorkerProcess, stopWorkerProcess } from '../harness/worker-process';
import { createRequest } from '../workflows/orchestrator';

/** Every plugVip fails for good, before its side effect: each create gets as far as its amphora, then rolls back. */
const PLUG_VIP_FAILS: FaultPlan = {
  seed: 1,
  rules: [{ method: 'plugVip', probability: 1, mode: 'before', transient: false }],
};

/** The value of the first sample of `name` whose labels include every one of `labels`, or undefined. */
function sample(metrics: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

describe('the worker serves Prometheus metrics (AMPHORA_METRICS_LISTEN)', () => {
  let temporal: TestTemporal;
  let worker: ChildProcess | undefined;
  beforeAll(async () => {
    temporal = await connectTestTemporal();
  });
  afterAll(async () => {
    await stopWorkerProcess(worker);
    await temporal?.close();
  });

  it("counts a rolled-back create, its undo steps and its steps' durations, beside the SDK's own metrics", async () => {
    const taskQueue = uniqueTaskQueue('metrics');
    const listen = `127.0.0.1:${await freePort()}`;
    // The worker as an operator runs it: `amphora worker`, in a process of its own (the runtime is per process).
    worker = await startWorkerProcess({
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      AMPHORA_TASK_QUEUE: taskQueue,
      AMPHORA_METRICS_LISTEN: listen,
      AMPHORA_NOOP_BUILD_DELAY_MS: '0',
      AMPHORA_NOOP_FAULTS: JSON.stringify(PLUG_VIP_FAILS),
    });

    const request = createRequest();
    await expect(
      temporal.client.workflow.execute(createLoadBalancer, {
        taskQueue,
        workflowId: `metrics-${request.loadBalancerId}`,
        args: [request],
      }),
    ).rejects.toThrow();

    const labels = { operation: 'createLoadBalancer', taskQueue };
    let metrics = '';
    const deadline = Date.now() + 20_000;
    while (sample(metrics, 'amphora_operations_rolled_back', labels) === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      metrics = await fetch(`http://${listen}/metrics`).then((response) => response.text());
    }
    expect({
      started: sample(metrics, 'amphora_operations_started', labels),
      failed: sample(metrics, 'amphora_operations_failed', labels),
      rolledBack: sample(metrics, 'amphora_operations_rolled_back', labels),
      succeeded: sample(metrics, 'amphora_operations_succeeded', labels),
      leaked: sample(metrics, 'amphora_resources_leaked', labels),
    }).toEqual({ started: 1, failed: 1, rolledBack: 1, succeeded: undefined, leaked: undefined });
    // Undone: the amphora, the VIP and the security group a SINGLE create makes before it plugs the VIP.
    expect(sample(metrics, 'amphora_compensations_run', labels)).toBeGreaterThanOrEqual(2);
    expect(
      sample(metrics, 'amphora_step_duration_count', {
        step: 'plugVip',
        outcome: 'failed',
        taskQueue,
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(metrics, 'amphora_step_duration_count', {
        step: 'buildAmphora',
        outcome: 'ok',
        taskQueue,
      }),
    ).toBe(1);
    // The SDK's own, on the same endpoint (ours carry no temporal_ prefix).
    expect(metrics).toMatch(/^temporal_workflow_failed\{/m);
  });
});
