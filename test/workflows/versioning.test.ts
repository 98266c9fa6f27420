import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import type { WorkflowHandle } from '@temporalio/client';
import { loadConfig } from '../../src/config';
import { createNoopDrivers, type NoopDrivers } from '../../src/drivers';
import { createLogger } from '../../src/logger';
import { amphoraName, type LoadBalancer } from '../../src/models';
import { startWorker, type RunningWorker } from '../../src/worker';
import { entityWorkflowId } from '../../src/contracts';
import { LoadBalancerController } from '../../src/controller/load-balancers';
import { createLoadBalancer } from '../../src/workflows';
import { bundleWorkflows } from '../harness/bundle';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../harness/temporal';
import { eventually } from '../drivers/expect-error';
import { createRequest, FAST_TIMING } from './orchestrator';

/** Instances boot this long, so that the first creates are still running when build B is deployed. */
const BOOT_MS = 3_000;
const CREATES_PER_BUILD = 4;

describe('Worker Versioning: deploying changed workflow code while operations run', () => {
  let temporal: TestTemporal;
  const workers: RunningWorker[] = [];
  beforeAll(async () => {
    temporal = await connectTestTemporal();
  });
  afterAll(async () => {
    await Promise.allSettled(workers.map((worker) => worker.stop()));
    await temporal?.close();
  });

  it('finishes every in-flight create on build A, runs every new one on build B, with no nondeterminism', async () => {
    const taskQueue = uniqueTaskQueue('versioning');
    const deploymentName = `amphora-versioning-${randomUUID().slice(0, 8)}`;
    // Build B: createLoadBalancer with two steps of ACTIVE_STANDBY swapped, a change that cannot replay an A history
    // (checked below).
    const buildB = { code: await bundleWorkflows(require.resolve('../replay/fixtures/swapped-steps')) };
    const buildA = { codePath: process.env.AMPHORA_TEST_WORKFLOW_BUNDLE ?? '' };

    // Each build has a noop cloud of its own: an activity that ran on the other build would leave its amphora there.
    const clouds: Record<'A' | 'B', NoopDrivers> = {
      A: createNoopDrivers({ buildDelayMs: BOOT_MS }),
      B: createNoopDrivers({ buildDelayMs: BOOT_MS }),
    };
    const deploy = async (buildId: 'A' | 'B', workflowBundle: { code: string } | { codePath: string }) => {
      const config = loadConfig({
        ...process.env,
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_NAMESPACE: temporal.namespace,
        AMPHORA_TASK_QUEUE: taskQueue,
        AMPHORA_WORKER_DEPLOYMENT: deploymentName,
        AMPHORA_WORKER_BUILD_ID: buildId,
      });
      workers.push(
        await startWorker(config, createLogger('silent'), { drivers: clouds[buildId], worker: { workflowBundle } }),
      );
      await setCurrentVersion(temporal, deploymentName, buildId);
    };
    const timing = { ...FAST_TIMING, buildPollAttempts: 400 };
    const serversIn = (cloud: NoopDrivers) =>
      cloud
        .inventory()
        .filter((item) => item.kind === 'server')
        .map((item) => item.name)
        .sort();
    const startCreates = () =>
      Promise.all(
        Array.from({ length: CREATES_PER_BUILD }, () => {
          const request = createRequest({ topology: 'ACTIVE_STANDBY', timing });
          return temporal.client.workflow.start(createLoadBalancer, {
            taskQueue,
            workflowId: `versioning-${request.loadBalancerId}`,
            args: [request],
          });
        }),
      );

    await deploy('A', buildA);
    const onA = await startCreates();
    // A load balancer's entity, started through the controller as the API does: long-lived, it must move to B.
    const controller = new LoadBalancerController(temporal.client, taskQueue);
    const entityRequest = createRequest({ timing });
    await controller.create(entityRequest);
    const entityActive = () =>
      eventually(async () => {
        const view = await controller.get(entityRequest.loadBalancerId);
        return view && !view.current && view.record.provisioningStatus === 'ACTIVE' ? view.record : undefined;
      }, 60_000);
    await entityActive();
    // Every A create is booting its two amphorae (mid-flight, past the swapped steps) when B is deployed.
    await eventually(() => Promise.resolve(serversIn(clouds.A).length >= 2 * CREATES_PER_BUILD ? true : undefined));
    await deploy('B', buildB);
    const onB = await startCreates();

    const results = await Promise.all([...onA, ...onB].map((handle) => handle.result()));
    expect(results.map((lb) => lb.provisioningStatus)).toEqual(Array(2 * CREATES_PER_BUILD).fill('ACTIVE'));

    for (const [build, handles] of [
      ['A', onA],
      ['B', onB],
    ] as const) {
      for (const handle of handles) {
        const { builds, failedTasks } = await workflowTaskBuilds(handle);
        expect({ workflowId: handle.workflowId, builds: [...new Set(builds)], failedTasks }).toEqual({
          workflowId: handle.workflowId,
          builds: [build],
          failedTasks: 0,
        });
      }
    }
    // Each build's activities ran on its own workers: an amphora is in the cloud of the build its create ran on.
    const amphoraeOf = (lbs: LoadBalancer[]) => lbs.flatMap((lb) => lb.amphorae.map((a) => amphoraName(a.id)));
    const [fromA, fromB] = [
      amphoraeOf(results.slice(0, CREATES_PER_BUILD)),
      amphoraeOf(results.slice(CREATES_PER_BUILD)),
    ];
    expect(serversIn(clouds.A)).toEqual(expect.arrayContaining(fromA));
    expect(serversIn(clouds.B)).toEqual(expect.arrayContaining(fromB));
    expect(serversIn(clouds.A).filter((name) => fromB.includes(name))).toEqual([]);
    expect(serversIn(clouds.B).filter((name) => fromA.includes(name))).toEqual([]);

    // The entity auto-upgrades: its tasks ran on A, then on B once B was current (a change after the deploy).
    await controller.update(entityRequest.loadBalancerId, { description: 'changed after build B' });
    await entityActive();
    const entity = await workflowTaskBuilds(
      temporal.client.workflow.getHandle(entityWorkflowId(entityRequest.loadBalancerId)),
    );
    expect(entity).toEqual({ builds: expect.arrayContaining(['A', 'B']) as unknown, failedTasks: 0 });
    expect(entity.builds.lastIndexOf('A')).toBeLessThan(entity.builds.indexOf('B'));

    // Without versioning, build B would have had to replay the in-flight A histories, and it cannot.
    const history = await onA[0]!.fetchHistory();
    await expect(Worker.runReplayHistory({ workflowBundle: buildB }, history)).rejects.toThrow(
      DeterminismViolationError,
    );
  });
});

/**
 * Routes new workflows of the deployment to `buildId` (`temporal worker deployment set-current-version`). The version
 * exists once its worker has polled, so this retries until the server knows it.
 */
async function setCurrentVersion(temporal: TestTemporal, deploymentName: string, buildId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await temporal.client.workflowService.setWorkerDeploymentCurrentVersion({
        namespace: temporal.namespace,
        deploymentName,
        buildId,
        identity: 'versioning-test',
        // The version is made here if the worker has not polled yet (it starts polling as startWorker returns).
        allowNoPollers: true,
      });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** The build of every completed workflow task of a workflow, and how many of its tasks failed (nondeterminism). */
async function workflowTaskBuilds(handle: WorkflowHandle): Promise<{ builds: string[]; failedTasks: number }> {
  const events = (await handle.fetchHistory()).events ?? [];
  const builds = events.flatMap((event) => {
    const completed = event.workflowTaskCompletedEventAttributes;
    if (!completed) return [];
    return [completed.deploymentVersion?.buildId ?? completed.workerVersion?.buildId ?? '(unversioned)'];
  });
  const failedTasks = events.filter((event) => event.workflowTaskFailedEventAttributes).length;
  return { builds, failedTasks };
}
