import { startCreateLoadBalancer } from '../../src/controller/operations';
import { createLoadBalancer, deleteLoadBalancer } from '../../src/workflows';
import { AmphoraOperationAttribute, ProvisioningStatusAttribute } from '../../src/contracts';
import { eventually } from '../drivers/expect-error';
import { createRequest, FAST_TIMING, startOrchestrator, statusOf, type Orchestrator } from './orchestrator';

describe('load balancer lifecycle on the real dev server', () => {
  let orchestrator: Orchestrator;
  beforeAll(async () => {
    orchestrator = await startOrchestrator();
  });
  afterAll(async () => {
    await orchestrator.stop();
  });

  it.each(['anti-affinity', 'soft-anti-affinity'] as const)(
    'keeps an ACTIVE_STANDBY pair apart with the %s server group policy asked for',
    async (antiAffinityPolicy) => {
      const request = createRequest({ topology: 'ACTIVE_STANDBY', antiAffinityPolicy });
      const lb = await orchestrator.temporal.client.workflow.execute(createLoadBalancer, {
        taskQueue: orchestrator.taskQueue,
        workflowId: `create-${request.loadBalancerId}`,
        args: [request],
      });
      const [group] = await orchestrator.drivers.compute.listServerGroups(`octavia-lb-${request.loadBalancerId}`);
      expect(group).toMatchObject({ id: lb.serverGroupId, policy: antiAffinityPolicy });
      await orchestrator.temporal.client.workflow.execute(deleteLoadBalancer, {
        taskQueue: orchestrator.taskQueue,
        workflowId: `delete-${request.loadBalancerId}`,
        args: [{ loadBalancer: lb, timing: FAST_TIMING }],
      });
    },
  );

  it.each(['SINGLE', 'ACTIVE_STANDBY'] as const)(
    'creates a %s load balancer, then deletes it leaving nothing',
    async (topology) => {
      const { client } = orchestrator.temporal;
      const request = createRequest({ topology });
      const handle = await client.workflow.start(createLoadBalancer, {
        taskQueue: orchestrator.taskQueue,
        workflowId: `create-${request.loadBalancerId}`,
        args: [request],
      });
      const lb = await handle.result();
      expect(lb).toMatchObject({
        id: request.loadBalancerId,
        provisioningStatus: 'ACTIVE',
        operatingStatus: 'ONLINE',
        topology,
      });
      const roles = lb.amphorae.map((amphora) => amphora.role).sort();
      expect(roles).toEqual(topology === 'SINGLE' ? ['STANDALONE'] : ['BACKUP', 'MASTER']);
      for (const amphora of lb.amphorae) {
        expect(amphora).toMatchObject({ status: 'ALLOCATED', haIp: lb.vip?.ipAddress });
        expect(amphora.vrrpIp).toBeTruthy();
        expect(amphora.lbNetworkIp).toBeTruthy();
      }
      expect(Boolean(lb.serverGroupId)).toBe(topology === 'ACTIVE_STANDBY');

      const status = await statusOf(handle);
      expect(status.provisioningStatus).toBe('ACTIVE');
      expect(status.steps.every((step) => step.state === 'done')).toBe(true);
      expect(status.steps.map((step) => step.name)).toContain('allocate VIP');

      const inventory = orchestrator.drivers.inventory();
      expect(inventory.filter((item) => item.kind === 'server')).toHaveLength(lb.amphorae.length);

      const deleted = await client.workflow.execute(deleteLoadBalancer, {
        taskQueue: orchestrator.taskQueue,
        workflowId: `delete-${request.loadBalancerId}`,
        args: [{ loadBalancer: lb, timing: FAST_TIMING }],
      });
      expect(deleted.provisioningStatus).toBe('DELETED');
      expect(orchestrator.drivers.inventory()).toEqual(orchestrator.baseline);
    },
  );

  it('keeps the search attributes current, so operations can be listed by load balancer and status', async () => {
    const { client } = orchestrator.temporal;
    const request = createRequest();
    const handle = await startCreateLoadBalancer(client, orchestrator.taskQueue, request);
    await handle.result();
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(ProvisioningStatusAttribute)).toBe('ACTIVE');
    expect(described.typedSearchAttributes.get(AmphoraOperationAttribute)).toBe('create');

    const listed = await eventually(async () => {
      const found = [];
      for await (const execution of client.workflow.list({
        query: `LoadBalancerId = "${request.loadBalancerId}" AND ProvisioningStatus = "ACTIVE"`,
      })) {
        found.push(execution.workflowId);
      }
      return found.length > 0 ? found : undefined;
    }, 10_000);
    expect(listed).toEqual([handle.workflowId]);
  });
});
