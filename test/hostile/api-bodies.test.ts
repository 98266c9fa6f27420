import fc from 'fast-check';
import type { apiClient } from '../controller/api-client';
import { useApiBed } from '../controller/api-bed';
import { hostileJson, invalidIp, invalidText, malformedRequestBody, notOneOf, type FieldRule } from './request-bodies';

/**
 * Hostile bodies for the REST API: a valid create or update broken in one random place must get a 400 whose
 * faultstring names that place, random JSON must get a 400, nothing may start, and the server must stay up.
 */
describe('the REST API against hostile request bodies', () => {
  // A project of this file's own: the API lists load balancers from the namespace every test file shares, and other
  // files make load balancers in the operator's project meanwhile (its list changed under this file's check once).
  const bed = useApiBed({ env: { AMPHORA_API_TOKENS: 'hostile=hostile-bodies' } });
  const call: ReturnType<typeof apiClient> = (...args) => bed().as('hostile')(...args);

  const notABoolean = () => fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant([true]));
  const notATagList = () =>
    fc.oneof(fc.string({ maxLength: 10 }), fc.array(fc.integer(), { minLength: 1, maxLength: 3 }), fc.constant({}));
  const editable: FieldRule[] = [
    { path: 'loadbalancer.name', invalid: invalidText(255).filter((value) => value !== null) },
    { path: 'loadbalancer.description', invalid: invalidText(255).filter((value) => value !== null) },
    { path: 'loadbalancer.admin_state_up', invalid: notABoolean() },
    { path: 'loadbalancer.tags', invalid: notATagList() },
  ];
  const createRules: FieldRule[] = [
    ...editable,
    { path: 'loadbalancer.vip_subnet_id', invalid: fc.constantFrom('', 'has blanks', 42, true, ['vip-subnet']) },
    { path: 'loadbalancer.vip_address', invalid: invalidIp().filter((value) => value !== null) },
    { path: 'loadbalancer.provider', invalid: notOneOf(['amphora', 'octavia']).filter((value) => value !== null) },
  ];
  const validCreate = () => ({ loadbalancer: { vip_subnet_id: 'vip-subnet', name: 'web', tags: ['a'] } });
  const validUpdate = () => ({ loadbalancer: { name: 'web', description: 'd', admin_state_up: true, tags: [] } });

  /** The attribute Octavia's faultstring names: `Invalid input for field/attribute <attribute>.` */
  const attributeOf = (faultstring: string) => /field\/attribute ([^\s]+?)\.(\s|$)/.exec(faultstring)?.[1] ?? '';

  async function expectRefused(method: string, path: string, body: unknown, place?: string): Promise<void> {
    const journal = bed().orchestrator.drivers.journal().length;
    const response = await call(method, path, { body });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ faultcode: 'Client', debuginfo: null });
    if (place) {
      const attribute = attributeOf(String(response.body.faultstring));
      const expected = place.replace(/^loadbalancer\./, '');
      const named =
        attribute === expected || expected.startsWith(`${attribute}.`) || attribute.startsWith(`${expected}.`);
      if (!named) throw new Error(`"${String(response.body.faultstring)}" does not name ${expected}`);
    }
    expect(bed().orchestrator.drivers.journal()).toHaveLength(journal);
  }

  it('refuses a create broken in one place, naming the place, and starts nothing', async () => {
    const before = (await call('GET', '/v2/lbaas/loadbalancers')).body.loadbalancers;
    await fc.assert(
      fc.asyncProperty(malformedRequestBody(validCreate, createRules, ['', 'loadbalancer']), async (malformed) => {
        await expectRefused('POST', '/v2/lbaas/loadbalancers', malformed.body, malformed.path);
      }),
      { numRuns: 80, seed: 20261122 },
    );
    expect(before).toEqual([]);
    expect((await call('GET', '/v2/lbaas/loadbalancers')).body.loadbalancers).toEqual([]);
    expect((await call('GET', '/')).status).toBe(200);
  });

  it('refuses an update broken in one place, naming the place, before looking the load balancer up', async () => {
    await fc.assert(
      fc.asyncProperty(malformedRequestBody(validUpdate, editable, ['', 'loadbalancer']), async (malformed) => {
        await expectRefused(
          'PUT',
          '/v2/lbaas/loadbalancers/00000000-0000-4000-8000-000000000000',
          malformed.body,
          malformed.path,
        );
      }),
      { numRuns: 40, seed: 20261122 },
    );
  });

  it('refuses random JSON as a create body, and stays up', async () => {
    await fc.assert(
      fc.asyncProperty(hostileJson(), async (body) => {
        await expectRefused('POST', '/v2/lbaas/loadbalancers', body);
      }),
      { numRuns: 60, seed: 20261122 },
    );
    expect((await call('GET', '/')).status).toBe(200);
  });

  it('refuses bytes that are not JSON at all, and stays up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200 }).filter((text) => !isJson(text)),
        async (raw) => {
          const response = await call('POST', '/v2/lbaas/loadbalancers', { raw });
          expect(response.status).toBe(400);
          expect(String(response.body.faultstring)).toMatch(/Malformed JSON in request body/);
        },
      ),
      { numRuns: 60, seed: 20261122 },
    );
    expect((await call('GET', '/')).status).toBe(200);
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
