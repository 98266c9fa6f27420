import { ConflictError, NotFoundError } from '../../src/controller/errors';
import { LoadBalancerController } from '../../src/controller/load-balancers';
import { entityWorkflowId } from '../../src/contracts';
import { untilStatus as untilSettled } from './until-status';
import { eventually, rejectionOf } from '../drivers/expect-error';
import { createRequest, startOrchestrator, type Orchestrator } from '../workflows/orchestrator';

describe('load balancers as entity workflows, through the controller', () => {
  let orchestrator: Orchestrator;
  let controller: LoadBalancerController;
  beforeAll(async () => {
    orchestrator = await startOrchestrator({ noop: { buildDelayMs: 300 } });
    controller = new LoadBalancerController(orchestrator.temporal.client, orchestrator.taskQueue, { historyLimit: 40 });
  });
  afterAll(async () => {
    await orchestrator.stop();
  });

  const untilStatus = (id: string, status: string) => untilSettled(controller, id, status);

  it('runs a load balancer from create to delete, rejecting mutations while it is PENDING_*', async () => {
    const request = createRequest({ topology: 'ACTIVE_STANDBY', name: 'entity-web' });
    const created = await controller.create(request);
    expect(created).toMatchObject({
      id: request.loadBalancerId,
      provisioningStatus: 'PENDING_CREATE',
      operatingStatus: 'OFFLINE',
    });

    // Octavia's immutability: nothing else may start while the create runs, and nothing is written to history.
    expect(await rejectionOf(controller.delete(request.loadBalancerId))).toBeInstanceOf(ConflictError);
    expect(await rejectionOf(controller.update(request.loadBalancerId, { name: 'x' }))).toBeInstanceOf(ConflictError);

    const active = await untilStatus(request.loadBalancerId, 'ACTIVE');
    expect(active.record.amphorae).toHaveLength(2);
    expect(active.last).toMatchObject({ kind: 'create', outcome: 'succeeded' });

    const renamed = await controller.update(request.loadBalancerId, { name: 'renamed', tags: ['blue'] });
    expect(renamed).toMatchObject({ name: 'renamed', tags: ['blue'], provisioningStatus: 'ACTIVE' });
    const listed = await eventually(async () => {
      const found = await controller.list({ projectId: request.projectId, name: 'renamed' });
      return found.some((lb) => lb.id === request.loadBalancerId) ? found : undefined;
    }, 10_000);
    expect(listed.find((lb) => lb.id === request.loadBalancerId)?.amphorae).toHaveLength(2);

    const before = active.record.amphorae.map((amphora) => amphora.id);
    expect((await controller.failover(request.loadBalancerId)).provisioningStatus).toBe('PENDING_UPDATE');
    expect(await rejectionOf(controller.failover(request.loadBalancerId))).toBeInstanceOf(ConflictError);
    const failedOver = await untilStatus(request.loadBalancerId, 'ACTIVE');
    const after = failedOver.record.amphorae.map((amphora) => amphora.id);
    expect(after).toHaveLength(2);
    expect(after.filter((id) => before.includes(id))).toEqual([]);

    // One amphora, found through the AmphoraIds search attribute.
    const target = after[0] ?? '';
    await eventually(async () => (await controller.requireAmphora(target).catch(() => undefined)) ?? undefined, 10_000);
    expect((await controller.failoverAmphora(target)).provisioningStatus).toBe('PENDING_UPDATE');
    const single = await untilStatus(request.loadBalancerId, 'ACTIVE');
    expect(single.record.amphorae.map((amphora) => amphora.id)).not.toContain(target);

    expect((await controller.plugNetwork(request.loadBalancerId, 'member-net-a')).provisioningStatus).toBe(
      'PENDING_UPDATE',
    );
    const settled = await untilStatus(request.loadBalancerId, 'ACTIVE');
    // Whichever run of the entity holds it now (it continues as new under its limit of 40 events), what it published
    // for reads without a worker and for the project's list is its current record.
    expect((await controller.read(request.loadBalancerId))?.record).toEqual(settled.record);
    await eventually(async () => {
      const found = await controller.list({ projectId: request.projectId, name: 'renamed' });
      return found.find((lb) => lb.id === request.loadBalancerId)?.amphorae.length === 2 ? true : undefined;
    }, 10_000);

    expect((await controller.delete(request.loadBalancerId, true)).provisioningStatus).toBe('PENDING_DELETE');
    await eventually(async () => ((await controller.get(request.loadBalancerId)) ? undefined : true), 30_000);
    expect(await rejectionOf(controller.delete(request.loadBalancerId))).toBeInstanceOf(NotFoundError);
    expect(await rejectionOf(controller.require(request.loadBalancerId))).toBeInstanceOf(NotFoundError);
    expect(orchestrator.drivers.inventory()).toEqual(orchestrator.baseline);

    // History stays bounded: this entity was given a limit of 40 events, and continued as new to stay under it.
    const runs = [];
    for await (const run of orchestrator.temporal.client.workflow.list({
      query: `WorkflowId = "${entityWorkflowId(request.loadBalancerId)}"`,
    })) {
      runs.push(run);
    }
    expect(runs.length).toBeGreaterThan(1);
    expect(runs.filter((run) => run.status.name === 'CONTINUED_AS_NEW').length).toBe(runs.length - 1);
    expect(Math.max(...runs.map((run) => run.historyLength))).toBeLessThan(80);
  });

  it('puts a load balancer whose create fails in ERROR with nothing left, and lets it be deleted', async () => {
    const request = createRequest();
    orchestrator.drivers.faults.setPlan({
      rules: [{ method: 'plugVip', call: 1, subjectIncludes: request.loadBalancerId }],
    });
    await controller.create(request);
    const failed = await untilStatus(request.loadBalancerId, 'ERROR');
    orchestrator.drivers.faults.clear();
    expect(failed.record.amphorae).toEqual([]);
    expect(failed.last).toMatchObject({ kind: 'create', outcome: 'failed' });
    expect(failed.last?.error).toContain('plug VIP into');
    expect(await rejectionOf(controller.failover(request.loadBalancerId))).toBeInstanceOf(ConflictError);

    await controller.delete(request.loadBalancerId);
    await eventually(async () => ((await controller.get(request.loadBalancerId)) ? undefined : true), 30_000);
    expect(orchestrator.drivers.inventory()).toEqual(orchestrator.baseline);
  });

  it('says NotFound for an unknown load balancer or amphora', async () => {
    expect(await controller.get('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await rejectionOf(controller.update('00000000-0000-4000-8000-000000000000', {}))).toBeInstanceOf(
      NotFoundError,
    );
    expect(await rejectionOf(controller.failoverAmphora('00000000-0000-4000-8000-000000000000'))).toBeInstanceOf(
      NotFoundError,
    );
  });
});
