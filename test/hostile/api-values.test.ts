import { loadBalancerDetails, loadBalancerRows } from '../../src/controller/cli/format';
import type { PublicLoadBalancer } from '../../src/controller/load-balancers';
import type { apiClient } from '../controller/api-client';
import { useApiBed } from '../controller/api-bed';
import { eventually } from '../drivers/expect-error';

/**
 * Values a tenant controls, taken literally: each is refused with a 400 naming the field, or stored verbatim and found
 * again by an exact filter. None may turn into a 500, or into something the operator's terminal obeys.
 */
describe('hostile values through the REST API and the CLI', () => {
  const bed = useApiBed();
  const call: ReturnType<typeof apiClient> = (...args) => bed().as('operator')(...args);

  const listed = async (query: string) => {
    const response = await call('GET', `/v2/lbaas/loadbalancers?${query}`);
    expect(response.status).toBe(200);
    return (response.body.loadbalancers as { id: string; name: string }[]).map((lb) => lb.id);
  };

  it.each([
    ['double quotes', 'web "blue"'],
    ['visibility query syntax', 'x" OR ProjectId = "other'],
    ['backslashes', 'C:\\lb\\"'],
    ['single quotes and SQL', "x' OR 1=1 --"],
    ['unicode', 'équilibreur ⚖ 負載'],
  ])('stores a name with %s verbatim and finds it by an exact ?name= filter', async (_label, name) => {
    // A project of its own, so that the other files' listings never see these load balancers.
    const created = await call('POST', '/v2/lbaas/loadbalancers', {
      body: { loadbalancer: { vip_subnet_id: 'vip-subnet', name, project_id: 'hostile-values' } },
    });
    expect(created.status).toBe(201);
    const { id } = created.body.loadbalancer as { id: string };
    const found = await eventually(async () => {
      const ids = await listed(`project_id=hostile-values&name=${encodeURIComponent(name)}`);
      return ids.includes(id) ? ids : undefined;
    }, 15_000);
    expect(found).toEqual([id]);
    expect((await call('GET', `/v2/lbaas/loadbalancers/${id}`)).body.loadbalancer).toMatchObject({ name });
    await eventually(async () =>
      (await call('DELETE', `/v2/lbaas/loadbalancers/${id}`)).status === 204 ? true : undefined,
    );
    // The delete runs on after its 204; the next tests count the driver journal, so wait until it has finished.
    await eventually(
      async () => ((await call('GET', `/v2/lbaas/loadbalancers/${id}`)).status === 404 ? true : undefined),
      15_000,
    );
  });

  it.each([
    ['a NUL', 'web\u0000'],
    ['CR/LF', 'web\r\nX-Injected: 1'],
    ['an escape sequence', 'web\u001b]0;owned\u0007'],
  ])('refuses a name with %s with a 400 naming the field, starting nothing', async (_label, name) => {
    const journal = bed().orchestrator.drivers.journal().length;
    const response = await call('POST', '/v2/lbaas/loadbalancers', {
      body: { loadbalancer: { vip_subnet_id: 'vip-subnet', name } },
    });
    expect(response.status).toBe(400);
    expect(response.body.faultstring).toMatch(/field\/attribute name\..*control characters/);
    expect(bed().orchestrator.drivers.journal()).toHaveLength(journal);
  });

  it('answers a ?name= or ?project_id= filter with control characters or quotes with 200 and no match', async () => {
    for (const query of ['name=%00', 'name=%22%20OR%20%22', 'project_id=%00', 'provisioning_status=%22']) {
      expect(await listed(query)).toEqual([]);
    }
  });

  it('prints tenant-controlled text in the CLI with control characters escaped', () => {
    const lb = {
      id: '6f1c3a52-1b7e-4f0e-9c1a-2b3c4d5e6f70',
      name: 'web\u001b]0;owned\u0007\u001b[2J',
      description: 'line\nbreak',
      projectId: 'p\u0000',
      provisioningStatus: 'ACTIVE',
      operatingStatus: 'ONLINE',
      topology: 'SINGLE',
      amphorae: [],
      tags: ['t\u009b1m'],
      adminStateUp: true,
      createdAt: '2026-12-01T00:00:00.000Z',
    } as unknown as PublicLoadBalancer;
    for (const printed of [loadBalancerRows([lb]), loadBalancerDetails(lb)]) {
      // eslint-disable-next-line no-control-regex
      expect(printed).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(printed).toContain('web\\u001b]0;owned\\u0007\\u001b[2J');
    }
    expect(loadBalancerDetails(lb)).toContain('line\\nbreak');
  });
});
