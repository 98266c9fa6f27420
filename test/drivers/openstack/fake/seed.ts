import { TEST_NETWORKS } from '../../noop/subject';
import type { FakeState } from './state';

/** Ids of what every fake cloud starts with: the noop cloud's networks, and a default security group. */
export const SEED = {
  managementNetworkId: 'lb-mgmt-net',
  /** Nova keys addresses by network name; the name differs from the id so that a driver must look it up. */
  managementNetworkName: 'lb-mgmt',
  vipNetworkId: 'vip-net',
  vipSubnetId: 'vip-subnet',
  memberNetworkId: 'member-net-a',
  fullSubnetId: 'full-subnet',
} as const;

export function seedCloud(state: FakeState): void {
  for (const { network, subnets } of TEST_NETWORKS) {
    const name = network.id === SEED.managementNetworkId ? SEED.managementNetworkName : network.name;
    state.addNetwork(
      { id: network.id, name, routerExternal: network.routerExternal },
      subnets.map((subnet) => ({
        id: subnet.id,
        name: subnet.name,
        cidr: subnet.cidr,
        gatewayIp: subnet.gatewayIp ?? '',
      })),
    );
  }
  state.securityGroups.set('default-sg', {
    id: 'default-sg',
    name: 'default',
    description: 'Default security group',
    rules: [],
    createdAt: new Date().toISOString(),
  });
  // The /30 of full-subnet has one usable address besides its gateway; a user's port holds it.
  state.createPort({ networkId: 'full-net', name: 'user-port-filling-full-subnet' });
}
