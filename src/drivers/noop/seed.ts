import type { Network, Subnet } from '../../models';

/** A network with its subnets, for seeding the noop cloud. */
export interface NetworkSeed {
  network: Omit<Network, 'subnetIds'>;
  subnets: Omit<Subnet, 'networkId' | 'hostRoutes'>[];
}

/**
 * What a new noop cloud holds: the management network the amphorae boot on, a VIP network, and two member
 * networks. Addresses are from the documentation ranges (RFC 5737); nothing is ever sent to them.
 */
export const DEFAULT_NETWORKS: readonly NetworkSeed[] = [
  {
    network: { id: 'lb-mgmt-net', name: 'lb-mgmt-net' },
    subnets: [
      { id: 'lb-mgmt-subnet', name: 'lb-mgmt-subnet', cidr: '192.0.2.0/24', ipVersion: 4, gatewayIp: '192.0.2.1' },
    ],
  },
  {
    network: { id: 'vip-net', name: 'public', routerExternal: true },
    subnets: [
      { id: 'vip-subnet', name: 'public-subnet', cidr: '198.51.100.0/24', ipVersion: 4, gatewayIp: '198.51.100.1' },
    ],
  },
  {
    network: { id: 'member-net-a', name: 'members-a' },
    subnets: [
      {
        id: 'member-subnet-a',
        name: 'members-a-subnet',
        cidr: '203.0.113.0/25',
        ipVersion: 4,
        gatewayIp: '203.0.113.1',
      },
    ],
  },
  {
    network: { id: 'member-net-b', name: 'members-b' },
    subnets: [
      {
        id: 'member-subnet-b',
        name: 'members-b-subnet',
        cidr: '203.0.113.128/25',
        ipVersion: 4,
        gatewayIp: '203.0.113.129',
      },
    ],
  },
];
