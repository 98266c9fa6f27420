import { randomUUID } from 'node:crypto';
import { LoadBalancerController } from '../../src/controller/load-balancers';
import { amphoraName } from '../../src/models';
import { sweepOrphans } from '../../src/workflows';
import { eventually } from '../drivers/expect-error';
import { createRequest, startOrchestrator, type Orchestrator } from '../workflows/orchestrator';

/**
 * Failure paths an operator meets through the API: whatever an operation ends in, the entity's record lists every
 * resource that exists for the load balancer, so that a delete removes all of it and the sweeper nothing live.
 */
describe('failure paths of the entity', () => {
  let orchestrator: Orchestrator;
  let controller: LoadBalancerController;
  beforeEach(async () => {
    orchestrator = await startOrchestrator({ noop: { buildDelayMs: 50 } });
    controller = new LoadBalancerController(orchestrator.temporal.client, orchestrator.taskQueue);
  });
  afterEach(async () => {
    await orchestrator.stop();
  });

  const untilStatus = (id: string, status: string) =>
    eventually(async () => {
      const view = await controller.get(id);
      return view?.record.provisioningStatus === status ? view : undefined;
    }, 30_000);
  const instances = () =>
    orchestrator.drivers
      .inventory()
      .filter((item) => item.kind === 'server')
      .map((item) => item.name);

  it('keeps the serving replacement when removing the old amphora fails, and a delete then removes both', async () => {
    const request = createRequest();
    const id = request.loadBalancerId;
    await controller.create(request);
    const active = await untilStatus(id, 'ACTIVE');
    const old = active.record.amphorae[0];
    if (!old) throw new Error('the create made no amphora');

    // The replacement is built and carries the VIP; the old amphora's unplug then fails for good.
    orchestrator.drivers.faults.setPlan({ rules: [{ method: 'unplugVip', call: 1, times: 1_000 }] });
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
    const report = await orchestrator.temporal.client.workflow.execute(sweepOrphans, {
      taskQueue: orchestrator.taskQueue,
      workflowId: `sweep-${randomUUID()}`,
      args: [{ dryRun: false, graceMs: 0 }],
    });
    expect(report.removed.map((resource) => resource.name)).not.toContain(amphoraName(replacement?.id ?? ''));
    expect(instances()).toEqual(
      expect.arrayContaining([amphoraName(old.id), amphoraName(replacement?.id ?? '')]),
    );

    await controller.delete(id);
    await eventually(async () => ((await controller.get(id)) ? undefined : true), 30_000);
    expect(orchestrator.drivers.inventory()).toEqual(orchestrator.baseline);
  });
});
