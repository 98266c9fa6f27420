/** The local amphora driver over the agent tests' lab: real agents in namespaces, reached through the forwarder. */
import type { AmphoraPaths } from '../../../../src/drivers';
import { LocalAmphoraDriver } from '../../../../src/drivers/amphora/local';
import type { Amphora, AmphoraRole, Interface, Network, Port, Subnet } from '../../../../src/models';
import type { AgentLab, LabAmphora } from '../../../agent/fixtures/lab';
import type { AmphoraContractSubject } from '../subject';
import { VIP_ADDRESS } from '../web-tree';

/** The subnets the test networks have: every network id maps to one subnet of the same CIDR family. */
const SUBNETS: Record<string, Pick<Subnet, 'cidr' | 'gatewayIp'>> = {
  'vip-subnet': { cidr: '198.51.100.0/24', gatewayIp: '198.51.100.1' },
  'member-net': { cidr: '203.0.113.0/25' },
};

/**
 * A network driver that knows the test's networks: `vip-net`, `member-net`, and any other id on 198.51.100.0/24.
 * It knows no amphora's ports: the tests' plug requests carry their address and MAC.
 */
export const labNetworks = {
  getPluggedNetworks: (): Promise<Interface[]> => Promise.resolve([]),
  getPort: (portId: string): Promise<Port> => Promise.reject(new Error(`the lab has no port ${portId}`)),
  getSubnet: (subnetId: string): Promise<Subnet> =>
    Promise.resolve({
      id: subnetId,
      name: subnetId,
      networkId: subnetId,
      ipVersion: 4,
      hostRoutes: [],
      ...(SUBNETS[subnetId] ?? { cidr: '198.51.100.0/24' }),
    }),
  getNetwork: (networkId: string): Promise<Network> =>
    Promise.resolve({
      id: networkId,
      name: networkId,
      subnetIds: [networkId === 'vip-net' ? 'vip-subnet' : networkId],
    }),
};

/** Where the driver tells haproxy to put its sockets: below the agent's state dir, as the compute driver does. */
export function labPaths(lab: AgentLab): (amphora: Amphora) => AmphoraPaths {
  return (amphora) => {
    const stateDir = lab.amphorae.get(amphora.id)?.stateDir ?? `/nonexistent/${amphora.id}`;
    return { base: `${stateDir}/lb`, certs: `${stateDir}/certs` };
  };
}

/** The local driver over the lab, with a short connect timeout so that deleted amphorae fail fast. */
export function labDriver(lab: AgentLab): LocalAmphoraDriver {
  return new LocalAmphoraDriver({
    dial: lab.dial,
    pki: lab.pki,
    pathsOf: labPaths(lab),
    network: labNetworks,
    connectTimeoutMs: 1000,
  });
}

/** The model's view of a lab amphora. */
export function amphoraOf(lab: LabAmphora, loadBalancerId: string, role: AmphoraRole): Amphora {
  return {
    id: lab.id,
    loadBalancerId,
    computeId: lab.ns,
    status: 'ALLOCATED',
    role,
    lbNetworkIp: lab.mgmtIp,
    vrrpIp: `198.51.100.${10 + lab.index}`,
    haIp: VIP_ADDRESS,
  };
}

/** The contract's subject: each amphora is a new lab amphora, deleted (namespace and all) at cleanup. */
export function localAmphoraSubject(lab: AgentLab): AmphoraContractSubject {
  const mine: LabAmphora[] = [];
  const driver = labDriver(lab);
  return {
    driver,
    pathsOf: labPaths(lab),
    makeAmphora: async (loadBalancerId, role = 'STANDALONE') => {
      const amphora = await lab.bootAmphora();
      mine.push(amphora);
      return amphoraOf(amphora, loadBalancerId, role);
    },
    deleteInstance: async (amphora) => {
      const booted = lab.amphorae.get(amphora.id);
      if (booted) await lab.destroyAmphora(booted);
    },
    cleanup: async () => {
      for (const amphora of mine.splice(0)) await lab.destroyAmphora(amphora);
    },
  };
}
