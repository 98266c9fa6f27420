import { randomUUID } from 'node:crypto';
import type { NoopDrivers } from '../../src/drivers';
import {
  amphoraName,
  serverGroupName,
  vipPortName,
  vipSecurityGroupName,
  vrrpPortName,
  type LoadBalancer,
} from '../../src/models';
import { LoadBalancerController } from '../../src/controller/load-balancers';
import { startCreateLoadBalancer } from '../../src/controller/operations';
import { sweepOrphans } from '../../src/workflows';
import type { SweepReport } from '../../src/contracts';
import { connectTestTemporal, type TestTemporal } from '../harness/temporal';
import { createRequest, FAST_TIMING } from '../workflows/orchestrator';
import { freshNamespace, startSweep, withSweeperBed, type SweeperBed } from './bed';
import { labelsOf, leakLoadBalancer, namesOf, sorted, untilTrue } from './leaks';

/**
 * The orphan sweeper on the real dev server: resources leaked on purpose (made through the noop drivers, so they carry
 * our names and our mark), a load balancer whose create is still running (it must survive), resources that are not
 * ours, and the grace between two looks. `ownership.test.ts` has the resources that only look like ours.
 */

let temporal: TestTemporal;
let space: Awaited<ReturnType<typeof freshNamespace>>;
beforeAll(async () => {
  temporal = await connectTestTemporal();
  space = await freshNamespace(temporal);
});
afterAll(async () => {
  await temporal.close();
});

/** Resources that are not ours, or only look like it: never touched. */
async function notOurs(drivers: NoopDrivers): Promise<void> {
  await drivers.network.createPort({ name: 'user-port', networkId: 'vip-net' });
  await drivers.network.createPort({ name: 'octavia-lb-', networkId: 'vip-net' }); // our prefix, not our name
  await drivers.compute.build({ name: 'web-1', networkIds: ['member-net-a'] });
}

/**
 * A live load balancer: an ACTIVE_STANDBY create that is still running, held at its last step (updateVip hangs
 * until released, then succeeds on retry), with its VIP, server group, both amphorae and their ports made.
 */
async function startLiveLoadBalancer(bed: SweeperBed) {
  const request = createRequest({
    topology: 'ACTIVE_STANDBY',
    timing: { ...FAST_TIMING, activityTimeoutMs: 120_000 },
  });
  const id = request.loadBalancerId;
  bed.drivers.faults.setPlan({
    rules: [{ method: 'updateVip', call: 1, mode: 'hang', hangMs: 120_000, transient: true, subjectIncludes: id }],
  });
  const handle = await startCreateLoadBalancer(bed.client, bed.taskQueue, request);
  await untilTrue('the live create reached updateVip', () =>
    bed.drivers.faults.fired().some((fault) => fault.method === 'updateVip'),
  );
  return {
    id,
    handle,
    /** Releases the hang and returns the load balancer, ACTIVE. */
    async finish(): Promise<LoadBalancer> {
      bed.drivers.faults.releaseHangs();
      return handle.result();
    },
  };
}

function expectLoadBalancerIntact(drivers: NoopDrivers, lb: LoadBalancer): void {
  const names = namesOf(drivers.inventory());
  expect(lb.provisioningStatus).toBe('ACTIVE');
  expect(names).toEqual(
    expect.arrayContaining([
      `port ${vipPortName(lb.id)}`,
      `securityGroup ${vipSecurityGroupName(lb.id)}`,
      `serverGroup ${serverGroupName(lb.id)}`,
      ...lb.amphorae.flatMap((amphora) => [`server ${amphoraName(amphora.id)}`, `port ${vrrpPortName(amphora.id)}`]),
    ]),
  );
}

const withBed = (body: (bed: SweeperBed) => Promise<void>) => withSweeperBed(temporal, space, body);

describe('sweepOrphans', () => {
  it('in a dry run, reports exactly the orphans and removes nothing', async () => {
    await withBed(async (bed) => {
      await notOurs(bed.drivers);
      const leaked = await leakLoadBalancer(bed.drivers);
      const loneAmphora = amphoraName(randomUUID());
      await bed.drivers.compute.build({ name: loneAmphora, networkIds: ['lb-mgmt-net'] });
      const live = await startLiveLoadBalancer(bed);
      const before = bed.drivers.inventory();
      const journalBefore = bed.drivers.journal().length;

      const handle = await startSweep(bed, { dryRun: true, graceMs: 500 });
      const report = (await handle.result()) as SweepReport;

      expect(labelsOf(report.orphans)).toEqual(sorted([...leaked.labels, `instance ${loneAmphora}`]));
      expect(report).toMatchObject({ dryRun: true, phase: 'done', removed: [], failed: [], deferred: [] });
      expect(report.first).toMatchObject({ liveLoadBalancers: 1, liveAmphorae: 2, undecided: 0, unanswered: [] });
      expect(report.second?.orphans).toBe(report.orphans.length);
      expect(bed.drivers.inventory()).toEqual(before);
      expect(bed.drivers.journal()).toHaveLength(journalBefore);
      expect(await handle.query('status')).toEqual(report);

      expectLoadBalancerIntact(bed.drivers, await live.finish());
    });
  });

  it('removes what was orphaned at both looks, and spares what changed during the grace and what is live', async () => {
    await withBed(async (bed) => {
      await notOurs(bed.drivers);
      const leaked = await leakLoadBalancer(bed.drivers);
      // Orphaned at the first look, then a create of that load balancer starts during the grace and adopts its VIP.
      const adopted = await leakLoadBalancer(bed.drivers);
      const live = await startLiveLoadBalancer(bed);
      const notOursBefore = namesOf(bed.drivers.inventory()).filter((name) =>
        /user-port|web-1|octavia-lb-$/.test(name),
      );

      const handle = await startSweep(bed, { dryRun: false, graceMs: 8_000 });
      await untilTrue('the sweep waits out its grace', async () => {
        const status = await handle.query<SweepReport>('status');
        return status.phase === 'grace';
      });
      const lateAmphora = amphoraName(randomUUID());
      await bed.drivers.compute.build({ name: lateAmphora, networkIds: ['lb-mgmt-net'] });
      const adoptingRequest = createRequest({
        loadBalancerId: adopted.loadBalancerId,
        timing: { ...FAST_TIMING, activityTimeoutMs: 120_000 },
      });
      // The live create's updateVip hangs already; now the adopting create's will hang too.
      bed.drivers.faults.setPlan({
        rules: [
          {
            method: 'updateVip',
            call: 1,
            mode: 'hang',
            hangMs: 120_000,
            transient: true,
            subjectIncludes: adopted.loadBalancerId,
          },
        ],
      });
      const adopting = await startCreateLoadBalancer(bed.client, bed.taskQueue, adoptingRequest);
      const report = (await handle.result()) as SweepReport;

      // The adopting create built amphorae of its own: the amphora leaked with that VIP is still an orphan.
      const adoptedAmphora = adopted.labels.filter((label) => /^instance |octavia-lb-vrrp-/.test(label));
      expect(labelsOf(report.removed)).toEqual(sorted([...leaked.labels, ...adoptedAmphora]));
      expect(report.failed).toEqual([]);
      const after = namesOf(bed.drivers.inventory());
      for (const label of leaked.labels) expect(after).not.toContain(label.replace(/^instance /, 'server '));
      expect(after).toContain(`server ${lateAmphora}`); // not there at the first look
      expect(after).toContain(`port ${vipPortName(adopted.loadBalancerId)}`); // live at the second look
      expect(after).toEqual(expect.arrayContaining(notOursBefore));
      expect(bed.drivers.journal().filter((entry) => entry.effect === 'deleted' && entry.name === 'web-1')).toEqual([]);

      // While both creates still run, the late amphora is orphaned at both looks of the next sweep; then nothing is
      // left to do.
      const again = (await (await startSweep(bed, { dryRun: false, graceMs: 0 })).result()) as SweepReport;
      expect(labelsOf(again.removed)).toEqual([`instance ${lateAmphora}`]);
      const third = (await (await startSweep(bed, { dryRun: false, graceMs: 0 })).result()) as SweepReport;
      expect(third.orphans).toEqual([]);

      bed.drivers.faults.releaseHangs();
      expectLoadBalancerIntact(bed.drivers, await live.handle.result());
      const adoptedLb = await adopting.result();
      expect(adoptedLb.provisioningStatus).toBe('ACTIVE');
      expect(namesOf(bed.drivers.inventory())).toContain(`port ${vipPortName(adopted.loadBalancerId)}`);
    });
  });

  it('spares an ACTIVE load balancer whose only running workflow is its entity, and removes a leak beside it', async () => {
    await withBed(async (bed) => {
      const controller = new LoadBalancerController(bed.client, bed.taskQueue);
      const request = createRequest({ topology: 'ACTIVE_STANDBY' });
      await controller.create(request);
      let view = await controller.get(request.loadBalancerId);
      await untilTrue('the entity reached ACTIVE', async () => {
        view = await controller.get(request.loadBalancerId);
        return view?.record.provisioningStatus === 'ACTIVE' && !view.current;
      });
      const leaked = await leakLoadBalancer(bed.drivers);

      const report = (await (await startSweep(bed, { dryRun: false, graceMs: 0 })).result()) as SweepReport;

      expect(labelsOf(report.orphans)).toEqual(sorted(leaked.labels));
      expect(report.first).toMatchObject({ liveLoadBalancers: 1, liveAmphorae: 2, unanswered: [] });
      const record = (await controller.get(request.loadBalancerId))?.record;
      expect(record).toBeDefined();
      expectLoadBalancerIntact(bed.drivers, record as LoadBalancer);
      await controller.delete(request.loadBalancerId);
      await untilTrue('the entity ended', async () => !(await controller.get(request.loadBalancerId)));
    });
  });

  it('keeps every amphora while a running load-balancer workflow does not answer its status query', async () => {
    await withBed(async (bed) => {
      const leaked = await leakLoadBalancer(bed.drivers);
      // A create on a task queue no worker polls: running, with its LoadBalancerId, and no one to answer for it.
      const silent = await startCreateLoadBalancer(bed.client, `nobody-polls-${randomUUID()}`, createRequest());
      try {
        const handle = await startSweep(bed, { dryRun: false, graceMs: 0 });
        const report = (await handle.result()) as SweepReport;
        expect(report.second?.unanswered.map((workflow) => workflow.workflowId)).toEqual([silent.workflowId]);
        const amphoraLabels = leaked.labels.filter((label) => /^instance |octavia-lb-vrrp-/.test(label));
        // The VIP security group is kept too: the amphora base port that might be live uses it.
        const keptLabels = [...amphoraLabels, ...leaked.labels.filter((label) => label.startsWith('securityGroup '))];
        expect(labelsOf(report.removed)).toEqual(sorted(leaked.labels.filter((label) => !keptLabels.includes(label))));
        expect(report.second?.undecided).toBe(keptLabels.length);
        expect(report.failed).toEqual([]);
        const after = namesOf(bed.drivers.inventory());
        expect(after).toEqual(
          expect.arrayContaining(amphoraLabels.map((label) => label.replace(/^instance /, 'server '))),
        );
      } finally {
        await silent.terminate('test over');
      }
    });
  });

  it('fails validation, removing nothing, when dryRun is not said', async () => {
    await withBed(async (bed) => {
      await leakLoadBalancer(bed.drivers);
      const before = bed.drivers.inventory();
      const handle = await bed.client.workflow.start(sweepOrphans, {
        taskQueue: bed.taskQueue,
        workflowId: `sweep-${randomUUID()}`,
        args: [{ graceMs: 0 } as never],
      });
      await expect(handle.result()).rejects.toMatchObject({ cause: { type: 'ValidationError' } });
      expect(bed.drivers.inventory()).toEqual(before);
    });
  });
});
