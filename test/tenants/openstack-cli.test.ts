import { useApiBed } from '../controller/api-bed';
import { FakeOpenStack } from '../drivers/openstack/fake/cloud';
import { ensureOpenStackCli, runOpenStack } from '../harness/openstack-cli';
import { addPersonas, keystoneEnv, type Persona } from './keystone';

const ALICE: Persona = { name: 'alice', projectId: 'project-a', roles: ['load-balancer_member', 'member', 'reader'] };
const BOB: Persona = { name: 'bob', projectId: 'project-b', roles: ['load-balancer_member', 'member', 'reader'] };

/**
 * The stock openstack CLI logging in to Keystone with a password, as an operator's users do: it finds the API through
 * the service catalog, and what one project makes the other cannot see, change or delete.
 */
describe('the stock openstack CLI with Keystone passwords', () => {
  let cloud: FakeOpenStack;
  let openstack: string;
  beforeAll(async () => {
    openstack = await ensureOpenStackCli();
    cloud = await FakeOpenStack.start();
    addPersonas(cloud, [ALICE, BOB]);
  }, 900_000);
  afterAll(async () => {
    await cloud?.close();
  });
  const bed = useApiBed({ env: () => keystoneEnv(cloud), neutronLookups: true });

  const as = (persona: Persona, ...args: string[]) => {
    // The API serves Octavia and, with the noop drivers, Neutron's lookups that resolve --vip-subnet-id.
    cloud.setCatalogEndpoint('load-balancer', bed().server.url);
    cloud.setCatalogEndpoint('network', bed().server.url);
    return runOpenStack(openstack, args, {
      OS_AUTH_TYPE: 'v3password',
      OS_AUTH_URL: cloud.authUrl,
      OS_IDENTITY_API_VERSION: '3',
      OS_USERNAME: persona.name,
      OS_PASSWORD: `${persona.name}-password`,
      OS_PROJECT_NAME: persona.projectId,
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_INTERFACE: 'public',
    });
  };

  it('creates as one project, and the other can neither see, change nor delete it', async () => {
    const created = await as(
      ALICE,
      'loadbalancer',
      'create',
      '--name',
      'cli-a',
      '--vip-subnet-id',
      'vip-subnet',
      '--wait',
      '-f',
      'value',
      '-c',
      'id',
      '-c',
      'provisioning_status',
    );
    expect(created).toMatchObject({ code: 0 });
    const [id, status] = created.stdout.trim().split('\n');
    expect(status).toBe('ACTIVE');

    const listedByAlice = await as(ALICE, 'loadbalancer', 'list', '-f', 'value', '-c', 'id');
    expect(listedByAlice.stdout).toContain(id);
    const listedByBob = await as(BOB, 'loadbalancer', 'list', '-f', 'value', '-c', 'id');
    expect(listedByBob.code).toBe(0);
    expect(listedByBob.stdout).not.toContain(id);

    for (const args of [
      ['loadbalancer', 'show', id ?? ''],
      ['loadbalancer', 'set', '--name', 'taken-over', id ?? ''],
      ['loadbalancer', 'delete', id ?? ''],
    ]) {
      const refused = await as(BOB, ...args);
      expect({ args, code: refused.code }).toEqual({ args, code: 1 });
      // The client looks the id up first: a 403 on it, or not finding it at all, both leave it untouched.
      expect(refused.stderr).toMatch(/Policy does not allow this request|403|Unable to locate/);
    }

    const shown = await as(ALICE, 'loadbalancer', 'show', id ?? '', '-f', 'value', '-c', 'name');
    expect(shown.stdout.trim()).toBe('cli-a');
    expect(await as(ALICE, 'loadbalancer', 'delete', '--wait', id ?? '')).toMatchObject({ code: 0 });
  });
});
