import { randomUUID } from 'node:crypto';
import type { InventoryItem, NoopDrivers } from '../../src/drivers';
import { amphoraName, serverGroupName, vipPortName, vipSecurityGroupName, vrrpPortName } from '../../src/models';
import type { OwnedResource } from '../../src/contracts';

/** Resources of ours leaked on purpose, and how the sweeper's tests read inventories and reports. */

export const sorted = (labels: string[]): string[] => [...labels].sort();
/** `<kind> <name>` of each resource in a sweep report. */
export const labelsOf = (resources: OwnedResource[]): string[] => sorted(resources.map((r) => `${r.kind} ${r.name}`));
/** `<kind> <name>` of each resource in the noop cloud (whose instances are of kind `server`). */
export const namesOf = (items: InventoryItem[]): string[] => sorted(items.map((item) => `${item.kind} ${item.name}`));

export async function untilTrue(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * What a create that died without undoing anything leaves, made through the drivers as a create makes it (so it
 * carries whatever the drivers mark it with): VIP, server group, a booted amphora with the VIP plugged.
 */
export async function leakLoadBalancer(drivers: NoopDrivers, loadBalancerId = randomUUID()) {
  const amphoraId = randomUUID();
  const vip = await drivers.network.allocateVip({ loadBalancerId, subnetId: 'vip-subnet' });
  const group = await drivers.compute.createServerGroup({
    name: serverGroupName(loadBalancerId),
    policy: 'anti-affinity',
  });
  const computeId = await drivers.compute.build({
    name: amphoraName(amphoraId),
    networkIds: ['lb-mgmt-net'],
    serverGroupId: group.id,
  });
  await untilTrue('the leaked amphora booted', async () => (await drivers.compute.status(computeId)) === 'UP');
  await drivers.network.plugVip({ loadBalancerId, vip, amphorae: [{ id: amphoraId, computeId, status: 'ALLOCATED' }] });
  return {
    loadBalancerId,
    amphoraId,
    labels: [
      `instance ${amphoraName(amphoraId)}`,
      `port ${vrrpPortName(amphoraId)}`,
      `port ${vipPortName(loadBalancerId)}`,
      `serverGroup ${serverGroupName(loadBalancerId)}`,
      `securityGroup ${vipSecurityGroupName(loadBalancerId)}`,
    ],
  };
}
