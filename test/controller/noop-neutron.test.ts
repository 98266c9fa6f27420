import { loadConfig } from '../../src/config';
import { startApiServer, type ApiServer } from '../../src/controller/api/server';
import { createLogger } from '../../src/logger';
import { eventually } from '../drivers/expect-error';
import { startOrchestrator, type Orchestrator } from '../workflows/orchestrator';
import { apiClient } from './api-client';

/**
 * The Neutron lookups the API answers from the noop cloud (for stock clients on a cloud without Neutron) show each
 * project what Neutron would: its own ports and the shared networks and subnets, and an operator everything.
 */
describe('noop Neutron lookups, scoped by project', () => {
  let orchestrator: Orchestrator;
  let server: ApiServer;
  beforeAll(async () => {
    orchestrator = await startOrchestrator();
    const config = loadConfig({
      TEMPORAL_ADDRESS: orchestrator.temporal.address,
      TEMPORAL_NAMESPACE: orchestrator.temporal.namespace,
      AMPHORA_TASK_QUEUE: orchestrator.taskQueue,
      AMPHORA_API_LISTEN: '127.0.0.1:0',
      AMPHORA_API_TOKENS: 'operator,token-a=project-a,token-b=project-b',
    });
    const logger = createLogger('silent');
    server = await startApiServer(config, orchestrator.temporal.client, logger, {
      port: 0,
      noopCloud: orchestrator.drivers.cloud,
      network: orchestrator.drivers.network,
    });
  });
  afterAll(async () => {
    await server?.close();
    await orchestrator?.stop();
  });

  it('shows a project its own VIP port, hides it from another project, and shows both the shared networks', async () => {
    const operator = apiClient(server, 'operator');
    const projectA = apiClient(server, 'token-a');
    const projectB = apiClient(server, 'token-b');
    const created = await projectA('POST', '/v2/lbaas/loadbalancers', {
      body: { loadbalancer: { vip_subnet_id: 'vip-subnet', name: 'scoped' } },
    });
    const { id } = created.body.loadbalancer as { id: string };
    const lb = await eventually(async () => {
      const view = (await projectA('GET', `/v2/lbaas/loadbalancers/${id}`)).body.loadbalancer as {
        provisioning_status: string;
        vip_port_id: string;
      };
      return view.provisioning_status === 'ACTIVE' ? view : undefined;
    });
    const portIds = async (call: ReturnType<typeof apiClient>) =>
      ((await call('GET', '/v2.0/ports')).body.ports as { id: string }[]).map((port) => port.id);

    expect(await portIds(projectA)).toContain(lb.vip_port_id);
    expect(await portIds(operator)).toContain(lb.vip_port_id);
    expect(await portIds(projectB)).not.toContain(lb.vip_port_id);
    expect((await projectB('GET', `/v2.0/ports/${lb.vip_port_id}`)).status).toBe(404);
    // The amphorae's ports belong to the service, not to the tenant.
    expect((await portIds(projectA)).length).toBe(1);

    for (const call of [projectA, projectB]) {
      const networks = (await call('GET', '/v2.0/networks')).body.networks as { id: string; shared: boolean }[];
      expect(networks.map((network) => network.id)).toContain('vip-net');
      expect(networks.every((network) => network.shared)).toBe(true);
      expect((await call('GET', '/v2.0/subnets/vip-subnet')).status).toBe(200);
    }
  });
});
