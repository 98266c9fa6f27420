import { openstackSdkTree } from '../clients/openstacksdk/tree';
import type { Persona } from '../tenants/keystone';
import { expectFullTree, useClientCloud } from './client-tree';

const ALICE: Persona = { name: 'alice', projectId: 'project-a', roles: ['load-balancer_member', 'member', 'reader'] };

/**
 * The whole tree through openstacksdk's load_balancer proxy (test/clients/openstacksdk/tree.py), logged in with a
 * Keystone password as a tenant: each create and update waits for the load balancer with the SDK's own
 * `wait_for_load_balancer`, and `delete_load_balancer(cascade=True)` leaves nothing behind.
 */
describe('the full tree through openstacksdk', () => {
  let command: string[];
  beforeAll(async () => {
    command = await openstackSdkTree();
  }, 900_000);
  const { bed, run } = useClientCloud(ALICE);

  it('builds the tree with the load_balancer proxy, waiting for each change, and cascade-deletes it', async () => {
    const baseline = bed().orchestrator.drivers.inventory().length;
    expectFullTree(await run(command), { monitorInStatusTree: true });
    expect(bed().orchestrator.drivers.inventory()).toHaveLength(baseline);
  }, 180_000);
});
