import { randomUUID } from 'node:crypto';
import { entityWorkflowId } from '../../src/contracts';
import { NotFoundError } from '../../src/controller/errors';
import { LoadBalancerController } from '../../src/controller/load-balancers';
import { amphoraName } from '../../src/models';
import { sweepOrphans } from '../../src/workflows';
import { untilStatus as untilSettled } from './until-status';
import { eventually, rejectionOf } from '../drivers/expect-error';
import { connectTestTemporal, type TestTemporal } from '../harness/temporal';
import { freshNamespace } from '../sweeper/bed';
import { createRequest, startOrchestrator, type Orchestrator } from '../workflows/orchestrator';

/**
 * Failure paths an operator meets through the API: whatever an operation ends in, the entity's record lists every
 * resource that exists for the load balancer, so that a delete removes all of it and the sweeper nothing live.
 */
describe('failure paths of the entity', () => {
  let temporal: TestTemporal;
  /** The sweeper looks at every workflow of its namespace: one of its own keeps other test files out of its view. */
  let space: TestTemporal;
  let orchestrator: Orchestrator;
  let controller: LoadBalancerController;
  beforeAll(async () => {
    temporal = await connectTestTemporal();
    const { namespace, client } = await freshNamespace(temporal);
    space = { ...temporal, namespace, client };
  });
  afterAll(async () => {
    await temporal.close();
  });
  beforeEach(async () => {
    orchestrator = await startOrchestrator({ temporal: space, noop: { buildDelayMs: 50 } });
    controller = new LoadBalancerController(orchestrator.temporal.client, orchestrator.taskQueue);
  });
  afterEach(async () => {
    await orchestrator.stop();
  });

  const untilStatus = (id: string, status: string) => untilSettled(controller, id, status);
  const instances = () =>
    orchestrator.drivers
      .inventory()
      .filter((item) => item.kind === 'server')
      .map((item) => item.name);

  const entity = (id: string) => orchestrator.temporal.client.workflow.getHandle(entityWorkflowId(id));
  const gone = (id: string) => eventually(async () => ((await controller.get(id)) ? undefined : true), 30_000);
  const sweep = () =>
    orchestrator.temporal.client.workflow.execute(sweepOrphans, {
      taskQueue: orchestrator.taskQueue,
      workflowId: `sweep-${randomUUID()}`,
      args: [{ dryRun: false, graceMs: 0 }],
    });

  it('keeps the serving replacement when removing the old amphora fails, and a delete then removes both', async () => {
    const request = createRequest();
    const id = request.loadBalancerId;
    await controller.create(request);
    const active = await untilStatus(id, 'ACTIVE');
    const old = active.record.amphorae[0];
    if (!old) throw new Error('the create made no amphora');

    // The replacement is built and carries the VIP; the old amphora's delete (its first removal step) then fails for
    // good.
    orchestrator.drivers.faults.setPlan({ rules: [{ method: 'delete', call: 1, times: 1_000 }] });
    await controller.failover(id);
    const failed = await untilStatus(id, 'ERROR');
    const replacement = failed.record.amphorae.find((amphora) => amphora.id !== old.id);
    expect(replacement).toMatchObject({ status: 'ALLOCATED', role: 'STANDALONE' });
    expect(failed.record.amphorae.find((amphora) => amphora.id === old.id)).toMatchObject({
      status: 'PENDING_DELETE',
    });
    expect(await controller.listAmphorae(id)).toHaveLength(2);

    // The sweeper finds the entity holding both, and removes neither.
    orchestrator.drivers.faults.clear();
    const report = await sweep();
    expect(report.removed.map((resource) => resource.name)).not.toContain(amphoraName(replacement?.id ?? ''));
    expect(instances()).toEqual(expect.arrayContaining([amphoraName(old.id), amphoraName(replacement?.id ?? '')]));

    await controller.delete(id);
    await eventually(async () => ((await controller.get(id)) ? undefined : true), 30_000);
    expect(orchestrator.drivers.inventory()).toEqual(orchestrator.baseline);
  });

  it('deletes the load balancer when its entity is cancelled, idle or in the middle of its create', async () => {
    const idle = createRequest();
    await controller.create(idle);
    await untilStatus(idle.loadBalancerId, 'ACTIVE');
    await entity(idle.loadBalancerId).cancel();
    await expect(entity(idle.loadBalancerId).result()).resolves.toMatchObject({ provisioningStatus: 'DELETED' });
    await gone(idle.loadBalancerId);

    const busy = createRequest({ topology: 'ACTIVE_STANDBY' });
    await controller.create(busy);
    await eventually(async () => ((await controller.get(busy.loadBalancerId))?.current ? true : undefined));
    await entity(busy.loadBalancerId).cancel();
    await expect(entity(busy.loadBalancerId).result()).resolves.toMatchObject({ provisioningStatus: 'DELETED' });
    await gone(busy.loadBalancerId);
    expect(orchestrator.drivers.inventory()).toEqual(orchestrator.baseline);
  });

  it('answers 404 for a terminated entity, rolls back the create it was running, and the sweeper collects the rest', async () => {
    const creating = createRequest();
    await controller.create(creating);
    const child = orchestrator.temporal.client.workflow.getHandle(
      `${entityWorkflowId(creating.loadBalancerId)}-1-create`,
    );
    await eventually(async () => ((await child.describe().catch(() => undefined)) ? true : undefined));
    await entity(creating.loadBalancerId).terminate('test: terminated mid-create');
    // The create, asked to cancel as its entity closed, undid its steps by itself: nothing of it is left.
    await expect(child.result()).rejects.toThrow(/cancelled/i);
    expect(orchestrator.drivers.inventory()).toEqual(orchestrator.baseline);

    const active = createRequest();
    await controller.create(active);
    await untilStatus(active.loadBalancerId, 'ACTIVE');
    await entity(active.loadBalancerId).terminate('test: terminated while ACTIVE');
    expect(await controller.get(active.loadBalancerId)).toBeUndefined();
    expect(await rejectionOf(controller.delete(active.loadBalancerId))).toBeInstanceOf(NotFoundError);

    // What the ACTIVE one held is now held by nothing: an orphan, which the sweeper removes.
    const report = await sweep();
    expect(report.removed.length).toBeGreaterThan(0);
    expect(orchestrator.drivers.inventory()).toEqual(orchestrator.baseline);
  });

  it('plugs the member networks of the load balancer into the amphora a failover builds', async () => {
    const request = createRequest();
    const id = request.loadBalancerId;
    await controller.create(request);
    await untilStatus(id, 'ACTIVE');
    await controller.plugNetwork(id, 'member-net-a');
    const plugged = await untilStatus(id, 'ACTIVE');
    expect(plugged.record.memberNetworkIds).toEqual(['member-net-a']);

    await controller.failover(id);
    const failedOver = await untilStatus(id, 'ACTIVE');
    const [replacement] = failedOver.record.amphorae;
    const networks = await orchestrator.drivers.network.getPluggedNetworks(replacement?.computeId ?? '');
    expect(networks.map((plug) => plug.networkId)).toContain('member-net-a');

    await controller.unplugNetwork(id, 'member-net-a');
    expect((await untilStatus(id, 'ACTIVE')).record.memberNetworkIds).toEqual([]);
    await controller.delete(id);
    await gone(id);
    expect(orchestrator.drivers.inventory()).toEqual(orchestrator.baseline);
  });
});
