import { createNoopDrivers, DEFAULT_NETWORKS, type NoopDriverOptions, type NoopDrivers } from '../../../src/drivers';
import type { ComputeContractSubject } from '../compute/contract';
import type { NetworkContractSubject } from '../network/contract';

/** The default networks plus a /30 whose only usable address is taken at once, for "subnet full" cases. */
export const TEST_NETWORKS = [
  ...DEFAULT_NETWORKS,
  {
    network: { id: 'full-net', name: 'full' },
    subnets: [
      {
        id: 'full-subnet',
        name: 'full-subnet',
        cidr: '192.0.2.252/30',
        ipVersion: 4 as const,
        gatewayIp: '192.0.2.253',
      },
    ],
  },
];

/** Noop drivers on the test networks, with the one address of `full-subnet` already taken. */
export async function fullNoopDrivers(options: NoopDriverOptions = {}): Promise<NoopDrivers> {
  const drivers = createNoopDrivers({ buildDelayMs: 20, networks: TEST_NETWORKS, ...options });
  if (!(await drivers.network.findPort('user-port-filling-full-subnet'))) {
    await drivers.network.createPort({ name: 'user-port-filling-full-subnet', networkId: 'full-net' });
  }
  return drivers;
}

export async function noopComputeSubject(options: NoopDriverOptions = {}): Promise<ComputeContractSubject> {
  const drivers = await fullNoopDrivers(options);
  return {
    driver: drivers.compute,
    managementNetworkId: 'lb-mgmt-net',
    otherNetworkId: 'member-net-a',
    cleanup: () => Promise.resolve(drivers.close()),
  };
}

export async function noopNetworkSubject(options: NoopDriverOptions = {}): Promise<NetworkContractSubject> {
  const drivers = await fullNoopDrivers(options);
  return networkSubjectOn(drivers, () => Promise.resolve(drivers.close()));
}

/**
 * The network contract's subject over drivers whose cloud has the test networks (`TEST_NETWORKS`, the full subnet
 * filled): the noop drivers and the local ones share these.
 */
export function networkSubjectOn(
  drivers: Pick<NetworkContractSubject, 'network' | 'compute'>,
  cleanup: () => Promise<void>,
): NetworkContractSubject {
  let userPorts = 0;
  return {
    network: drivers.network,
    compute: drivers.compute,
    managementNetworkId: 'lb-mgmt-net',
    vipNetworkId: 'vip-net',
    vipSubnetId: 'vip-subnet',
    memberNetworkId: 'member-net-a',
    fullSubnetId: 'full-subnet',
    async makeUserPort() {
      userPorts += 1;
      const port = await drivers.network.createPort({ name: `user-vip-${userPorts}`, networkId: 'vip-net' });
      return { id: port.id, ipAddress: port.fixedIps[0]?.ipAddress ?? '' };
    },
    cleanup,
  };
}
