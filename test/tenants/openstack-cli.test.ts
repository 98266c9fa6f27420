import { ensureOpenStackCli, runOpenStack } from '../harness/openstack-cli';
import { useKeystoneCloud, type Persona } from './keystone';

const ALICE: Persona = { name: 'alice', projectId: 'project-a', roles: ['load-balancer_member', 'member', 'reader'] };
const BOB: Persona = { name: 'bob', projectId: 'project-b', roles: ['load-balancer_member', 'member', 'reader'] };

/**
 * The stock openstack CLI logging in to Keystone with a password, as an operator's users do: it finds the API through
 * the service catalog, and what one project makes the other cannot see, change or delete.
 */
describe('the stock openstack CLI with Keystone passwords', () => {
  let openstack: string;
  beforeAll(async () => {
    openstack = await ensureOpenStackCli();
  }, 900_000);
  const { loginEnv } = useKeystoneCloud([ALICE, BOB]);
  // The API serves Octavia and, with the noop drivers, Neutron's lookups that resolve --vip-subnet-id.
  const as = (persona: Persona, ...args: string[]) => runOpenStack(openstack, args, loginEnv(persona));

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
