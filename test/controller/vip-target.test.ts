import { eventually } from '../drivers/expect-error';
import type { ApiResponse, apiClient } from './api-client';
import { useApiBed } from './api-bed';

/**
 * What a create names for its VIP is checked before anything starts, as the caller's project would see it: an unknown
 * or foreign subnet, network or port, a port already in use, or an availability zone the operator did not define is a
 * 400 naming the field, and nothing is created or started.
 */
describe('the VIP a create names', () => {
  const bed = useApiBed({
    env: { AMPHORA_API_TOKENS: 'token-a=project-a,token-b=project-b', AMPHORA_AVAILABILITY_ZONES: 'az-east,az-west' },
  });
  const projectA: ReturnType<typeof apiClient> = (...args) => bed().as('token-a')(...args);
  const projectB: ReturnType<typeof apiClient> = (...args) => bed().as('token-b')(...args);
  const drivers = () => bed().orchestrator.drivers;

  const create = (call: ReturnType<typeof apiClient>, loadbalancer: Record<string, unknown>) =>
    call('POST', '/v2/lbaas/loadbalancers', { body: { loadbalancer } });
  async function expectRefused(response: Promise<ApiResponse>, field: string, reason: RegExp): Promise<void> {
    const journal = drivers().journal().length;
    const answered = await response;
    expect(answered.status).toBe(400);
    expect(answered.body.faultstring).toContain(`field/attribute ${field}.`);
    expect(answered.body.faultstring).toMatch(reason);
    expect(drivers().journal()).toHaveLength(journal);
  }

  it('refuses an unknown subnet, network or port with a 400 naming the field', async () => {
    await expectRefused(create(projectA, { vip_subnet_id: 'no-such-subnet' }), 'vip_subnet_id', /could not be found/);
    await expectRefused(create(projectA, { vip_network_id: 'no-such-net' }), 'vip_network_id', /could not be found/);
    await expectRefused(create(projectA, { vip_port_id: 'no-such-port' }), 'vip_port_id', /could not be found/);
  });

  it("keeps one project off another's port, and off a port already in use", async () => {
    const portOfA = await drivers().network.createPort({
      name: 'vip-of-project-a',
      networkId: 'vip-net',
      projectId: 'project-a',
    });
    // Project B cannot even tell that A's port exists.
    await expectRefused(create(projectB, { vip_port_id: portOfA.id }), 'vip_port_id', /could not be found/);

    const created = await create(projectA, { vip_port_id: portOfA.id });
    expect(created.status).toBe(201);
    const { id } = created.body.loadbalancer as { id: string };
    await eventually(async () => {
      const view = (await projectA('GET', `/v2/lbaas/loadbalancers/${id}`)).body.loadbalancer as {
        provisioning_status: string;
      };
      return view.provisioning_status === 'ACTIVE' ? true : undefined;
    });
    // The load balancer's VIP now answers on amphora ports: the project's own second create cannot take it over.
    const basePort = drivers()
      .inventory()
      .find((item) => item.kind === 'port' && item.name.startsWith('octavia-lb-vrrp-'));
    await expectRefused(create(projectA, { vip_port_id: basePort?.id }), 'vip_port_id', /could not be found|in use/);
    const bound = await drivers().network.createPort({
      name: 'bound-port',
      networkId: 'vip-net',
      projectId: 'project-a',
      deviceOwner: 'compute:nova',
    });
    await expectRefused(create(projectA, { vip_port_id: bound.id }), 'vip_port_id', /already in use/);
  });

  it("takes only the operator's availability zones, never Nova's zone:host", async () => {
    await expectRefused(
      create(projectA, { vip_subnet_id: 'vip-subnet', availability_zone: 'nova:compute-7' }),
      'availability_zone',
      /operator has defined: az-east, az-west/,
    );
    await expectRefused(
      create(projectA, { vip_subnet_id: 'vip-subnet', availability_zone: 'az-north' }),
      'availability_zone',
      /Unknown availability zone/,
    );
    expect((await create(projectA, { vip_subnet_id: 'vip-subnet', availability_zone: 'az-east' })).status).toBe(201);
  });
});
