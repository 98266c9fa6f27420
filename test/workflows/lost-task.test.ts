import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNoopDrivers, type FaultPlan, type NoopDrivers } from '../../src/drivers';
import type { LoadBalancer, Timing } from '../../src/models';
import { createLoadBalancer, failoverAmphora } from '../../src/workflows';
import { eventually } from '../drivers/expect-error';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../harness/temporal';
import { startWorkerProcess, stopWorkerProcess } from '../harness/worker-process';
import { createRequest, FAST_TIMING } from './orchestrator';

/**
 * A workflow task can be lost after its worker ran local activities in it: the worker dies before it reports the
 * task. The next worker runs the task again from the history, and a step that succeeded the first time may fail this
 * time. A step that cannot be undone must therefore only run once the steps before it are in the history; otherwise
 * the first worker's run ahead leaves an effect the recorded path never took (CI at 1f7fe59: a failover that failed
 * and kept its old amphora, whose instance was gone).
 */

/** A dead worker's activity is retried after this; the task it held goes to the next worker after 2 s. */
const TIMING: Timing = { ...FAST_TIMING, activityTimeoutMs: 2_000 };

/** Worker A removes the first instance it is asked to, then hangs until it is killed: it never reports the task. */
const DELETE_THEN_HANG: FaultPlan = { rules: [{ method: 'delete', call: 1, mode: 'hang', hangMs: 120_000 }] };
/** Worker B's first VIP plug fails for good: the path the task takes if B has to plug the VIP again. */
const PLUG_VIP_FAILS: FaultPlan = {
  rules: [{ method: 'plugVip', call: 1, mode: 'before', transient: false }],
};

/** Worker A builds the first instance it is asked to, then hangs until it is killed. */
const BUILD_THEN_HANG: FaultPlan = { rules: [{ method: 'build', call: 1, mode: 'hang', hangMs: 120_000 }] };
/** Worker B's first VIP allocation fails for good, before its side effect. */
const ALLOCATE_VIP_FAILS: FaultPlan = {
  rules: [{ method: 'allocateVip', call: 1, mode: 'before', transient: false }],
};

describe('a workflow task lost after its local steps ran', () => {
  let temporal: TestTemporal;
  let cloud: NoopDrivers | undefined;
  const workers: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'lost-task-'));
  const noopState = join(dir, 'noop.db');
  let taskQueue = '';
  const env = (faults: FaultPlan) => ({
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    AMPHORA_TASK_QUEUE: taskQueue,
    AMPHORA_NOOP_STATE: noopState,
    AMPHORA_NOOP_BUILD_DELAY_MS: '0',
    AMPHORA_NOOP_FAULTS: JSON.stringify(faults),
  });
  const startWorker = async (faults: FaultPlan) => {
    const worker = await startWorkerProcess(env(faults));
    workers.push(worker);
    return worker;
  };
  const servers = () => cloud?.cloud.inventory().filter((item) => item.kind === 'server') ?? [];
  const instanceExists = (computeId: string | undefined) => servers().some((server) => server.id === computeId);

  beforeAll(async () => {
    temporal = await connectTestTemporal();
    cloud = createNoopDrivers({ state: { sqliteFile: noopState } });
  });
  beforeEach(() => {
    taskQueue = uniqueTaskQueue('lost-task');
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => stopWorkerProcess(worker, 'SIGKILL')));
  });
  afterAll(async () => {
    cloud?.close();
    await temporal?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('removes the amphora a dead worker built when the next worker rolls the create back earlier', async () => {
    const workerA = await startWorker(BUILD_THEN_HANG);
    const before = servers().length;
    const request = createRequest({ timing: TIMING });
    const create = await temporal.client.workflow.start(createLoadBalancer, {
      taskQueue,
      workflowId: `lost-task-${request.loadBalancerId}-create`,
      args: [request],
      workflowTaskTimeout: '2s',
    });
    // Worker A allocates the VIP and builds the amphora in one workflow task, and dies before it reports it.
    await eventually(() => Promise.resolve(servers().length > before ? true : undefined), 30_000, 10);
    await stopWorkerProcess(workerA, 'SIGKILL');
    await startWorker(ALLOCATE_VIP_FAILS);

    await expect(create.result()).rejects.toThrow();
    const left = cloud?.cloud.inventory().filter((item) => item.name.includes(request.loadBalancerId));
    expect({ servers: servers().length - before, left }).toEqual({ servers: 0, left: [] });
  });

  it('does not delete the old amphora of a failover that the next worker rolls back', async () => {
    const workerA = await startWorker(DELETE_THEN_HANG);

    const request = createRequest({ timing: TIMING });
    const lb: LoadBalancer = await temporal.client.workflow.execute(createLoadBalancer, {
      taskQueue,
      workflowId: `lost-task-${request.loadBalancerId}-create`,
      args: [request],
    });
    const [old] = lb.amphorae;
    if (!old?.computeId) throw new Error(`the create returned no amphora with an instance: ${JSON.stringify(lb)}`);

    const failover = await temporal.client.workflow.start(failoverAmphora, {
      taskQueue,
      workflowId: `lost-task-${request.loadBalancerId}-failover`,
      args: [{ loadBalancer: { ...lb, amphoraTemplate: request.amphora }, amphoraId: old.id, timing: TIMING }],
      workflowTaskTimeout: '2s',
    });
    // Worker A gets as far as deleting the old instance, and dies there without a word.
    await eventually(() => Promise.resolve(instanceExists(old.computeId) ? undefined : true), 30_000, 10);
    await stopWorkerProcess(workerA, 'SIGKILL');
    await startWorker(PLUG_VIP_FAILS);

    const outcome = await failover.result().then(
      (value) => ({ ok: true as const, amphorae: value.amphorae.map((amphora) => amphora.id) }),
      (err: Error) => ({ ok: false as const, error: err.cause instanceof Error ? err.cause.message : err.message }),
    );
    // The old instance is gone, so the failover must have gone through: its record holds the replacement, which exists.
    expect(outcome).toEqual({ ok: true, amphorae: [expect.not.stringMatching(old.id)] });
    const result = await failover.result();
    expect(result.amphorae.map((amphora) => instanceExists(amphora.computeId))).toEqual([true]);
  });
});
