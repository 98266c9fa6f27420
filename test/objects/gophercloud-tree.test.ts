import { gophercloudTree } from '../clients/gophercloud/build';
import type { Persona } from '../tenants/keystone';
import { expectFullTree, useClientCloud } from './client-tree';

const ALICE: Persona = { name: 'alice', projectId: 'project-a', roles: ['load-balancer_member', 'member', 'reader'] };

/**
 * The whole tree through gophercloud v2's loadbalancer/v2 packages (test/clients/gophercloud), logged in with a
 * Keystone password as a tenant: after each create and update it polls `loadbalancers.Get` until the load balancer
 * is ACTIVE, then deletes it with cascade and polls until the get is a 404.
 */
describe('the full tree through gophercloud', () => {
  let command: string[];
  beforeAll(async () => {
    command = await gophercloudTree();
  }, 600_000);
  const { bed, run } = useClientCloud(ALICE);

  it('builds the tree with the loadbalancer/v2 packages, polling after each change, and cascade-deletes it', async () => {
    const baseline = bed().orchestrator.drivers.inventory().length;
    // gophercloud's pools.Pool reads a monitor from "healthmonitor"; the status tree, Octavia's as this API's, names
    // it "health_monitor", so gophercloud sees no monitor there.
    expectFullTree(await run(command), { monitorInStatusTree: false });
    expect(bed().orchestrator.drivers.inventory()).toHaveLength(baseline);
  }, 180_000);
});
