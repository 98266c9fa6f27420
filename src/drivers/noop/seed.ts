import type { Network, Subnet } from '../../models';

/** A network with its subnets, for seeding the noop cloud. */
export interface NetworkSeed {
  network: Omit<Network, 'subnetIds'>;
  subnets: Omit<Subnet, 'networkId' | 'hostRoutes'>[];
}

/**
 * What a new noop cloud holds: the management network the amphorae boot on, a VIP network, and two member
 * networks. Names equal ids, so that clients which look resources up by name (the openstack CLI does, for ids that
 * are not UUIDs) find them. Addresses are from the documentation ranges (RFC 5737); nothing is ever sent to them.
 */
export const DEFAULT_NETWORKS: readonly NetworkSeed[] = [
  {
    network: { id: 'lb-mgmt-net', name: 'lb-mgmt-net' },
    subnets: [
      { id: 'lb-mgmt-subnet', name: 'lb-mgmt-subnet', cidr: '192.0.2.0/24', ipVersion: 4, gatewayIp: '192.0.2.1' },
    ],
  },
  {
    network: { id: 'vip-net', name: 'vip-net', routerExternal: true },
    subnets: [
      { id: 'vip-subnet', name: 'vip-subnet', cidr: '198.51.100.0/24', ipVersion: 4, gatewayIp: '198.51.100.1' },
    ],
  },
  {
    network: { id: 'member-net-a', name: 'member-net-a' },
    subnets: [
      {
        id: 'member-subnet-a',
        name: 'member-subnet-a',
        cidr: '203.0.113.0/25',
        ipVersion: 4,
        gatewayIp: '203.0.113.1',
      },
    ],
  },
  {
    network: { id: 'member-net-b', name: 'member-net-b' },
    subnets: [
      {
        id: 'member-subnet-b',
        name: 'member-subnet-b',
        cidr: '203.0.113.128/25',
        ipVersion: 4,
        gatewayIp: '203.0.113.129',
      },
    ],
  },
];
