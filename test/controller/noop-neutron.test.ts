import { eventually } from '../drivers/expect-error';
import type { apiClient } from './api-client';
import { useApiBed } from './api-bed';

/**
 * The Neutron lookups the API answers from the noop cloud (for stock clients on a cloud without Neutron) show each
 * project what Neutron would: its own ports and the shared networks and subnets, and an operator everything.
 */
describe('noop Neutron lookups, scoped by project', () => {
  const bed = useApiBed({
    env: { AMPHORA_API_TOKENS: 'operator,token-a=project-a,token-b=project-b' },
    neutronLookups: true,
  });

  it('shows a project its own VIP port, hides it from another project, and shows both the shared networks', async () => {
    const [operator, projectA, projectB] = [bed().as('operator'), bed().as('token-a'), bed().as('token-b')];
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
