import { randomUUID } from 'node:crypto';
import { useApiBed } from '../controller/api-bed';
import { treeApi } from './tree-api';

/**
 * What operators define for every project, through the v2 API: providers, flavors and availability zones with
 * their profiles (which then decide how a load balancer is built), quotas (enforced on every create) and statistics.
 */
describe('providers, flavors, availability zones, quotas and statistics', () => {
  // A project of its own: quotas are per project, and other test files use project-a at the same time.
  const project = `quota-${randomUUID().slice(0, 8)}`;
  const bed = useApiBed({ env: { AMPHORA_API_TOKENS: `operator,alice=${project}` } });
  const operator = (...args: Parameters<ReturnType<ReturnType<typeof bed>['as']>>) => bed().as('operator')(...args);
  const alice = (...args: Parameters<ReturnType<ReturnType<typeof bed>['as']>>) => bed().as('alice')(...args);
  const api = treeApi(alice);

  const newLoadBalancer = async (fields: Record<string, unknown> = {}) => {
    const body = api.expectStatus(
      await alice('POST', '/v2/lbaas/loadbalancers', {
        body: { loadbalancer: { vip_subnet_id: 'vip-subnet', ...fields } },
      }),
      201,
    );
    const id = (body.loadbalancer as { id: string }).id;
    await api.settled(id);
    return id;
  };

  it('lists the amphora provider and what its flavors and zones may set', async () => {
    const providers = api.expectStatus(await alice('GET', '/v2/lbaas/providers'), 200);
    expect(providers.providers).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'amphora' })]));
    const capabilities = api.expectStatus(
      await operator('GET', '/v2/lbaas/providers/amphora/flavor_capabilities'),
      200,
    );
    expect(capabilities.flavor_capabilities).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'loadbalancer_topology' })]),
    );
    expect((await operator('GET', '/v2/lbaas/providers/f5/flavor_capabilities')).status).toBe(404);
  });

  it('builds a load balancer the way its flavor and availability zone say, and keeps profiles in use', async () => {
    const badData = await operator('POST', '/v2/lbaas/flavorprofiles', {
      body: {
        flavorprofile: { name: 'x', provider_name: 'amphora', flavor_data: '{"loadbalancer_topology": "TRIPLE"}' },
      },
    });
    expect(badData.status).toBe(400);
    expect(badData.body.faultstring).toContain('flavor_data');
    expect(
      (
        await alice('POST', '/v2/lbaas/flavorprofiles', {
          body: { flavorprofile: { name: 'x', provider_name: 'amphora', flavor_data: '{}' } },
        })
      ).status,
    ).toBe(403);

    const profile = api.expectStatus(
      await operator('POST', '/v2/lbaas/flavorprofiles', {
        body: {
          flavorprofile: {
            name: 'ha',
            provider_name: 'amphora',
            flavor_data: '{"loadbalancer_topology": "ACTIVE_STANDBY", "compute_flavor": "amphora-large"}',
          },
        },
      }),
      201,
    ).flavorprofile as { id: string };
    const flavor = api.expectStatus(
      await operator('POST', '/v2/lbaas/flavors', { body: { flavor: { name: 'ha', flavor_profile_id: profile.id } } }),
      201,
    ).flavor as { id: string };
    const zoneProfile = api.expectStatus(
      await operator('POST', '/v2/lbaas/availabilityzoneprofiles', {
        body: {
          availability_zone_profile: {
            name: 'east',
            provider_name: 'amphora',
            availability_zone_data: '{"compute_zone": "nova-east"}',
          },
        },
      }),
      201,
    ).availability_zone_profile as { id: string };
    api.expectStatus(
      await operator('POST', '/v2/lbaas/availabilityzones', {
        body: { availability_zone: { name: 'east', availability_zone_profile_id: zoneProfile.id } },
      }),
      201,
    );

    // Tenants see flavors and zones (not profiles) and build with them.
    const flavors = api.expectStatus(await alice('GET', '/v2/lbaas/flavors'), 200);
    expect(flavors.flavors).toEqual([expect.objectContaining({ id: flavor.id, name: 'ha', enabled: true })]);
    expect((await alice('GET', '/v2/lbaas/flavorprofiles')).status).toBe(403);
    const lbId = await newLoadBalancer({ flavor_id: flavor.id, availability_zone: 'east' });
    const amphorae = api.expectStatus(await operator('GET', `/v2/octavia/amphorae?loadbalancer_id=${lbId}`), 200)
      .amphorae as { role: string; compute_flavor: string; cached_zone: string }[];
    expect(amphorae.map((amphora) => amphora.role).sort()).toEqual(['BACKUP', 'MASTER']);
    expect(amphorae.every((amphora) => amphora.compute_flavor === 'amphora-large')).toBe(true);
    expect(amphorae.every((amphora) => amphora.cached_zone === 'nova-east')).toBe(true);

    const inUse = await operator('DELETE', `/v2/lbaas/flavorprofiles/${profile.id}`);
    expect(inUse.status).toBe(409);
    api.expectStatus(
      await operator('PUT', `/v2/lbaas/flavors/${flavor.id}`, { body: { flavor: { enabled: false } } }),
      200,
    );
    const disabled = await alice('POST', '/v2/lbaas/loadbalancers', {
      body: { loadbalancer: { vip_subnet_id: 'vip-subnet', flavor_id: flavor.id } },
    });
    expect(disabled.status).toBe(400);
    expect(disabled.body.faultstring).toContain('flavor_id');
    expect((await operator('DELETE', `/v2/lbaas/flavors/${flavor.id}`)).status).toBe(204);
    expect((await operator('DELETE', `/v2/lbaas/flavorprofiles/${profile.id}`)).status).toBe(204);
    expect((await alice('DELETE', `/v2/lbaas/loadbalancers/${lbId}`)).status).toBe(204);
    await api.gone(lbId);
  });

  it("enforces quotas with Octavia's 403 and lets an operator set and reset them", async () => {
    const lbId = await newLoadBalancer();
    const quota = api.expectStatus(
      await operator('PUT', `/v2/lbaas/quotas/${project}`, { body: { quota: { listener: 1, healthmonitor: 0 } } }),
      202,
    );
    expect(quota.quota).toMatchObject({ listener: 1, health_monitor: 0, healthmonitor: 0, load_balancer: -1 });
    expect((await alice('PUT', `/v2/lbaas/quotas/${project}`, { body: { quota: { listener: 9 } } })).status).toBe(403);
    expect(api.expectStatus(await alice('GET', `/v2/lbaas/quotas/${project}`), 200).quota).toMatchObject({
      listener: 1,
    });

    await api.create(
      '/v2/lbaas/listeners',
      'listener',
      { loadbalancer_id: lbId, protocol: 'TCP', protocol_port: 22 },
      lbId,
    );
    const over = await alice('POST', '/v2/lbaas/listeners', {
      body: { listener: { loadbalancer_id: lbId, protocol: 'TCP', protocol_port: 23 } },
    });
    expect(over.status).toBe(403);
    expect(over.body.faultstring).toBe('Quota has been met for resources: Listener');

    expect((await operator('DELETE', `/v2/lbaas/quotas/${project}`)).status).toBe(204);
    const listener = await api.create(
      '/v2/lbaas/listeners',
      'listener',
      { loadbalancer_id: lbId, protocol: 'TCP', protocol_port: 23 },
      lbId,
    );

    // Statistics: haproxy's counters per listener, summed for the load balancer (no traffic on noop amphorae).
    const zero = { active_connections: 0, bytes_in: 0, bytes_out: 0, request_errors: 0, total_connections: 0 };
    expect(api.expectStatus(await alice('GET', `/v2/lbaas/loadbalancers/${lbId}/stats`), 200).stats).toEqual(zero);
    expect(api.expectStatus(await alice('GET', `/v2/lbaas/listeners/${listener}/stats`), 200).stats).toEqual(zero);
    const [amphora] = api.expectStatus(await operator('GET', `/v2/octavia/amphorae?loadbalancer_id=${lbId}`), 200)
      .amphorae as { id: string }[];
    const perAmphora = api.expectStatus(await operator('GET', `/v2/octavia/amphorae/${amphora?.id ?? ''}/stats`), 200);
    expect(perAmphora.amphora_stats).toEqual(
      expect.arrayContaining([{ id: amphora?.id, loadbalancer_id: lbId, listener_id: listener, ...zero }]),
    );
    expect((await alice('GET', `/v2/octavia/amphorae/${amphora?.id ?? ''}/stats`)).status).toBe(403);
    expect((await alice('DELETE', `/v2/lbaas/loadbalancers/${lbId}?cascade=true`)).status).toBe(204);
    await api.gone(lbId);
  });
});
