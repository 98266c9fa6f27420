import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startWorker, type RunningWorker } from '../../src/worker';
import { createLoadBalancer, deleteLoadBalancer } from '../../src/workflows';
import { FakeOpenStack } from '../drivers/openstack/fake/cloud';
import { SEED } from '../drivers/openstack/fake/seed';
import { fakeCloudEnv } from '../drivers/openstack/testbed';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../harness/temporal';
import { createRequest, FAST_TIMING } from './orchestrator';

describe('the workflows on the OpenStack drivers, selected by configuration, against a fake cloud over HTTP', () => {
  let temporal: TestTemporal;
  let cloud: FakeOpenStack;
  let worker: RunningWorker;
  let taskQueue: string;

  beforeAll(async () => {
    temporal = await connectTestTemporal();
    cloud = await FakeOpenStack.start({ buildDelayMs: 200 });
    taskQueue = uniqueTaskQueue('openstack');
    // The worker's own path: configuration selects Nova and Neutron, and startWorker builds the drivers from it.
    const config = loadConfig({
      ...fakeCloudEnv(cloud),
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      AMPHORA_TASK_QUEUE: taskQueue,
      AMPHORA_COMPUTE_DRIVER: 'nova',
      AMPHORA_NETWORK_DRIVER: 'neutron',
    });
    worker = await startWorker(config, createLogger('silent'), { worker: { workflowBundle: bundle() } });
  });
  afterAll(async () => {
    await worker?.stop();
    await cloud?.close();
    await temporal?.close();
  });

  function bundle() {
    const codePath = process.env.AMPHORA_TEST_WORKFLOW_BUNDLE;
    if (!codePath) throw new Error('AMPHORA_TEST_WORKFLOW_BUNDLE is unset: run through jest');
    return { codePath };
  }

  it('creates an ACTIVE_STANDBY load balancer on Nova and Neutron, then deletes it leaving nothing of ours', async () => {
    const request = createRequest({
      topology: 'ACTIVE_STANDBY',
      vip: { subnetId: SEED.vipSubnetId },
      amphora: { imageId: 'amphora-image', flavor: 'amphora-flavor', managementNetworkId: SEED.managementNetworkId },
      timing: FAST_TIMING,
    });
    const lb = await temporal.client.workflow.execute(createLoadBalancer, {
      taskQueue,
      workflowId: `openstack-create-${request.loadBalancerId}`,
      args: [request],
    });
    expect(lb.provisioningStatus).toBe('ACTIVE');
    expect(lb.amphorae).toHaveLength(2);
    const servers = [...cloud.state.servers.values()].map((server) => server.name).sort();
    expect(servers).toEqual(lb.amphorae.map((amphora) => `amphora-${amphora.id}`).sort());
    for (const amphora of lb.amphorae) {
      expect(amphora.lbNetworkIp).toMatch(/^192\.0\.2\./);
      const base = cloud.state.ports.get(amphora.vrrpPortId ?? '');
      expect(base?.name).toBe(`octavia-lb-vrrp-${amphora.id}`);
      expect(base?.allowedAddressPairs.map((pair) => pair.ip_address)).toEqual([lb.vip?.ipAddress]);
    }
    expect(cloud.state.serverGroups.size).toBe(1);

    const deleted = await temporal.client.workflow.execute(deleteLoadBalancer, {
      taskQueue,
      workflowId: `openstack-delete-${request.loadBalancerId}`,
      args: [{ loadBalancer: lb, timing: FAST_TIMING }],
    });
    expect(deleted.provisioningStatus).toBe('DELETED');
    expect(cloud.state.servers.size).toBe(0);
    expect(cloud.state.serverGroups.size).toBe(0);
    const ours = [...cloud.state.ports.values()].filter((port) => port.name.startsWith('octavia-lb-'));
    expect(ours).toEqual([]);
    expect([...cloud.state.securityGroups.values()].map((group) => group.name)).toEqual(['default']);
  });
});
