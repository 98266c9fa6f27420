import { createLocalDrivers, type LocalDrivers } from '../../../src/drivers';
import type { ComputeContractSubject } from '../compute/contract';
import type { NetworkContractSubject } from '../network/contract';
import { networkSubjectOn, TEST_NETWORKS } from '../noop/subject';

let fabrics = 0;

/**
 * Local drivers on a fabric of their own (the test networks as bridges, `full-subnet` already full), for one
 * contract test; `cleanup` removes the fabric and everything on it.
 */
export async function localTestDrivers(): Promise<LocalDrivers & { cleanup(): Promise<void> }> {
  fabrics += 1;
  const drivers = await createLocalDrivers({
    fabricId: `k${process.pid}x${fabrics}`,
    networks: TEST_NETWORKS,
    scriptsDir: process.env.AMPHORA_LOCAL_SCRIPTS_DIR,
  });
  await drivers.network.createPort({ name: 'user-port-filling-full-subnet', networkId: 'full-net' });
  return Object.assign(drivers, {
    cleanup: async () => {
      await drivers.fabric.down();
      drivers.close();
    },
  });
}

export async function localComputeSubject(): Promise<ComputeContractSubject> {
  const drivers = await localTestDrivers();
  return {
    driver: drivers.compute,
    managementNetworkId: 'lb-mgmt-net',
    otherNetworkId: 'member-net-a',
    cleanup: () => drivers.cleanup(),
  };
}

export async function localNetworkSubject(): Promise<NetworkContractSubject> {
  const drivers = await localTestDrivers();
  return networkSubjectOn(drivers, () => drivers.cleanup());
}
