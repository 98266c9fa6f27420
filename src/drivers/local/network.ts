/** The local network driver: Neutron's ports, as veth pairs between the fabric's bridges and the amphorae. */
import type { Amphora, Interface } from '../../models';
import type { DeallocateVipRequest, NetworkPlugRequest, VipPlugRequest, VipUnplugRequest } from '../network/driver';
import { NoopNetworkDriver } from '../network/noop';
import type { NoopCloud } from '../noop/cloud';
import type { FaultInjector } from '../noop/faults';
import type { AmphoraHost } from './amphora-host';

/**
 * A network driver over the noop cloud's records (networks, subnets, ports, addresses, security groups) that wires
 * each port plugged into a local amphora as a veth pair onto its network's bridge, and removes the pair when the port
 * is unplugged or deleted. A VIP answers only where it is plugged: the amphora's agent configures it on the VIP
 * interface (SINGLE) or keepalived moves it (ACTIVE_STANDBY), and amphorae answer ARP only for their own addresses.
 *
 * Security groups are recorded but not enforced: the fabric has no packet filter (nftables is not on this machine).
 */
export class LocalNetworkDriver extends NoopNetworkDriver {
  constructor(
    cloud: NoopCloud,
    faults: FaultInjector,
    private readonly host: AmphoraHost,
    options: { apiLatencyMs?: number } = {},
  ) {
    super(cloud, faults, options);
  }

  override async deallocateVip(request: DeallocateVipRequest): Promise<void> {
    await this.host.afterChange(() => super.deallocateVip(request));
  }

  override async plugVip(request: VipPlugRequest): Promise<Amphora[]> {
    return this.host.afterChange(() => super.plugVip(request));
  }

  override async unplugVip(request: VipUnplugRequest): Promise<void> {
    await this.host.afterChange(() => super.unplugVip(request));
  }

  override async plugNetwork(request: NetworkPlugRequest): Promise<Interface> {
    return this.host.afterChange(() => super.plugNetwork(request));
  }

  override async unplugNetwork(request: NetworkPlugRequest): Promise<void> {
    await this.host.afterChange(() => super.unplugNetwork(request));
  }

  override async failoverPreparation(amphora: Amphora): Promise<void> {
    await this.host.afterChange(() => super.failoverPreparation(amphora));
  }

  override async deletePort(portId: string): Promise<void> {
    await this.host.afterChange(() => super.deletePort(portId));
  }
}
