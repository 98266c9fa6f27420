import { randomUUID } from 'node:crypto';
import { ipv4HostRange, ipv4InCidr, numberToIpv4 } from '../../../../src/drivers/noop/addresses';
import { neutronFault } from './http';
import type { FakeNetwork, FakePort, FakeSecurityGroup, FakeServer, FakeServerGroup, FakeSubnet } from './records';

export * from './records';

/** Everything the fake cloud holds. */
export class FakeState {
  readonly networks = new Map<string, FakeNetwork>();
  readonly subnets = new Map<string, FakeSubnet>();
  readonly ports = new Map<string, FakePort>();
  readonly servers = new Map<string, FakeServer>();
  readonly securityGroups = new Map<string, FakeSecurityGroup>();
  readonly serverGroups = new Map<string, FakeServerGroup>();
  readonly images = new Set(['amphora-image']);
  readonly flavors = new Set(['amphora-flavor']);
  readonly keypairs = new Set(['amphora-ssh-key']);
  readonly zones = new Set(['nova', 'az-1']);
  private seq = 0;

  nextSeq(): number {
    return (this.seq += 1);
  }

  addNetwork(
    network: { id: string; name: string; routerExternal?: boolean },
    subnets: Omit<FakeSubnet, 'networkId' | 'taken'>[],
  ) {
    this.networks.set(network.id, {
      id: network.id,
      name: network.name,
      subnets: subnets.map((subnet) => subnet.id),
      routerExternal: network.routerExternal ?? false,
    });
    for (const subnet of subnets) this.subnets.set(subnet.id, { ...subnet, networkId: network.id, taken: new Map() });
  }

  /**
   * Creates a port with one address per requested fixed ip (or one on the network's first subnet), with Neutron's
   * faults: a full subnet (409 IpAddressGenerationFailure), a taken address (409 IpAddressAlreadyAllocated), an
   * address outside the subnet (400 InvalidIpForSubnet).
   */
  createPort(
    fields: Partial<FakePort> & { networkId: string },
    requested: { subnet_id?: string; ip_address?: string }[] = [],
  ): FakePort {
    const network = this.networks.get(fields.networkId);
    if (!network) throw neutronFault(404, 'NetworkNotFound', `Network ${fields.networkId} could not be found.`);
    const id = randomUUID();
    const wanted = requested.length > 0 ? requested : [{}];
    const fixedIps = wanted.map((entry) => {
      const subnetId = entry.subnet_id ?? network.subnets[0];
      const subnet = subnetId ? this.subnets.get(subnetId) : undefined;
      if (!subnet || subnet.networkId !== network.id) {
        throw neutronFault(
          400,
          'InvalidInput',
          `Invalid input for operation: Failed to create port on network ${network.id}, because fixed_ips included invalid subnet ${subnetId ?? '(none)'}.`,
        );
      }
      return { subnet_id: subnet.id, ip_address: this.allocate(subnet, network, id, entry.ip_address) };
    });
    const port: FakePort = {
      name: '',
      description: '',
      deviceId: '',
      deviceOwner: '',
      adminStateUp: true,
      allowedAddressPairs: [],
      securityGroups: [...this.securityGroups.values()]
        .filter((group) => group.name === 'default')
        .map((group) => group.id),
      qosPolicyId: null,
      novaCreated: false,
      ...fields,
      id,
      fixedIps,
      macAddress: `fa:16:3e:${id.slice(0, 2)}:${id.slice(2, 4)}:${id.slice(4, 6)}`,
      createdAt: new Date(Date.now() + this.nextSeq()).toISOString(),
    };
    this.ports.set(id, port);
    return port;
  }

  deletePort(portId: string): void {
    const port = this.ports.get(portId);
    if (!port) return;
    for (const fixedIp of port.fixedIps) this.subnets.get(fixedIp.subnet_id)?.taken.delete(fixedIp.ip_address);
    this.ports.delete(portId);
  }

  private allocate(subnet: FakeSubnet, network: FakeNetwork, portId: string, requested?: string): string {
    if (requested !== undefined) {
      if (!ipv4InCidr(requested, subnet.cidr) || requested === subnet.gatewayIp) {
        throw neutronFault(
          400,
          'InvalidIpForSubnet',
          `IP address ${requested} is not a valid IP for the specified subnet.`,
        );
      }
      if (subnet.taken.has(requested)) {
        throw neutronFault(
          409,
          'IpAddressAlreadyAllocated',
          `IP address ${requested} already allocated in subnet ${subnet.id}`,
        );
      }
      subnet.taken.set(requested, portId);
      return requested;
    }
    const { first, last } = ipv4HostRange(subnet.cidr);
    for (let value = first; value <= last; value += 1) {
      const address = numberToIpv4(value);
      if (address === subnet.gatewayIp || subnet.taken.has(address)) continue;
      subnet.taken.set(address, portId);
      return address;
    }
    throw neutronFault(409, 'IpAddressGenerationFailure', `No more IP addresses available on network ${network.id}.`);
  }

  /** Finishes the detaches whose time has come: Nova's own ports go, others are unbound. */
  settle(now: number): void {
    for (const port of [...this.ports.values()]) {
      if (port.detachAt === undefined || port.detachAt > now) continue;
      if (port.novaCreated) this.deletePort(port.id);
      else Object.assign(port, { deviceId: '', deviceOwner: '', detachAt: undefined });
    }
  }

  portsOf(serverId: string): FakePort[] {
    return [...this.ports.values()].filter((port) => port.deviceId === serverId);
  }
}
