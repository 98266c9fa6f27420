/** The noop network driver: the network API over the noop cloud, each call under the fault plan. */
import {
  AllocateVipRequestSchema,
  type Amphora,
  type Interface,
  type Network,
  type Port,
  type SecurityGroup,
  type Subnet,
  type Vip,
} from '../../../models';
import { parseRequest, ValidationError } from '../../errors';
import type { NoopCloud } from '../../noop/cloud';
import type { FaultInjector } from '../../noop/faults';
import { withFaults } from '../../noop/inject';
import {
  AbstractNetworkDriver,
  type AllocateVipRequest,
  type CreatePortRequest,
  type DeallocateVipRequest,
  type VipUnplugRequest,
  type NetworkPlugRequest,
  type UpdateVipRequest,
  type VipPlugRequest,
} from '../driver';
import {
  AllocateVipError,
  DeallocateVipError,
  NetworkError,
  PlugNetworkError,
  PlugVipError,
  PortNotFoundError,
  UnplugNetworkError,
  UnplugVipError,
} from '../errors';
import { errorOf, type ErrorFactory } from './error-factory';
import { interfacesOf, plugNetwork, unplugNetwork } from './interfaces';
import { requireNetwork, requireSubnet } from './lookups';
import { createPort, toPort } from './ports';
import { deleteSecurityGroup, updateVip } from './security-groups';
import { allocateVip, deallocateVip } from './vip';
import { plugVip, unplugVip } from './vip-plug';

export interface NoopNetworkOptions {
  /** Simulated latency of every API call. */
  apiLatencyMs?: number;
}

/**
 * A network driver over the noop cloud, in the allowed-address-pairs design: the VIP is a reserved port, and each
 * amphora gets a base port on the VIP network that is allowed to answer for the VIP address.
 */
export class NoopNetworkDriver extends AbstractNetworkDriver {
  constructor(
    private readonly cloud: NoopCloud,
    private readonly faults: FaultInjector,
    private readonly options: NoopNetworkOptions = {},
  ) {
    super();
  }

  override async allocateVip(request: AllocateVipRequest): Promise<Vip> {
    const valid = parseRequest(AllocateVipRequestSchema, request);
    return withFaults(this.point('allocateVip', valid.loadBalancerId, errorOf(AllocateVipError)), () =>
      this.cloud.transact((tx) => allocateVip(this.cloud, tx, valid)),
    );
  }

  override async deallocateVip(request: DeallocateVipRequest): Promise<void> {
    await withFaults(this.point('deallocateVip', request.loadBalancerId, errorOf(DeallocateVipError)), () =>
      this.cloud.transact((tx) => deallocateVip(this.cloud, tx, request)),
    );
  }

  override async plugVip(request: VipPlugRequest): Promise<Amphora[]> {
    return withFaults(this.point('plugVip', request.loadBalancerId, errorOf(PlugVipError)), () =>
      this.cloud.transact((tx) => plugVip(this.cloud, tx, request)),
    );
  }

  override async unplugVip(request: VipUnplugRequest): Promise<void> {
    await withFaults(this.point('unplugVip', request.loadBalancerId, errorOf(UnplugVipError)), () =>
      this.cloud.transact((tx) => unplugVip(this.cloud, tx, request)),
    );
  }

  override async plugNetwork(request: NetworkPlugRequest): Promise<Interface> {
    return withFaults(this.point('plugNetwork', request.computeId, errorOf(PlugNetworkError)), () =>
      this.cloud.transact((tx) => plugNetwork(this.cloud, tx, request)),
    );
  }

  override async unplugNetwork(request: NetworkPlugRequest): Promise<void> {
    await withFaults(this.point('unplugNetwork', request.computeId, errorOf(UnplugNetworkError)), () =>
      this.cloud.transact((tx) => unplugNetwork(this.cloud, tx, request)),
    );
  }

  override async getPluggedNetworks(computeId: string): Promise<Interface[]> {
    return withFaults(this.point('getPluggedNetworks', computeId, errorOf(NetworkError)), () =>
      this.cloud.transact((tx) => interfacesOf(this.cloud, tx, computeId)),
    );
  }

  override async updateVip(request: UpdateVipRequest): Promise<void> {
    await withFaults(this.point('updateVip', request.loadBalancerId, errorOf(NetworkError)), () =>
      this.cloud.transact((tx) => updateVip(this.cloud, tx, request)),
    );
  }

  override async getNetwork(networkId: string): Promise<Network> {
    return withFaults(this.point('getNetwork', networkId, errorOf(NetworkError)), () =>
      this.cloud.transact((tx) => requireNetwork(tx, networkId)),
    );
  }

  override async getSubnet(subnetId: string): Promise<Subnet> {
    return withFaults(this.point('getSubnet', subnetId, errorOf(NetworkError)), () =>
      this.cloud.transact((tx) => requireSubnet(tx, subnetId)),
    );
  }

  override async getPort(portId: string): Promise<Port> {
    return withFaults(this.point('getPort', portId, errorOf(NetworkError)), () =>
      this.cloud.transact((tx) => {
        const port = tx.get('ports', portId);
        if (!port) throw new PortNotFoundError(portId);
        return toPort(port);
      }),
    );
  }

  override async failoverPreparation(amphora: Amphora): Promise<void> {
    await withFaults(this.point('failoverPreparation', amphora.id, errorOf(NetworkError)), () =>
      // Nothing to prepare: the replacement gets a base port of its own, and the old one's unplug is idempotent. A
      // base port already gone is no reason to refuse, since a broken amphora is what failovers are for.
      this.cloud.transact(() => undefined),
    );
  }

  override async createPort(request: CreatePortRequest): Promise<Port> {
    if (!request.name) throw new ValidationError('name', 'ports this service creates need a deterministic name');
    return withFaults(this.point('createPort', request.name, errorOf(NetworkError)), () =>
      this.cloud.transact((tx) => createPort(this.cloud, tx, request)),
    );
  }

  override async deletePort(portId: string): Promise<void> {
    await withFaults(this.point('deletePort', portId, errorOf(NetworkError)), () =>
      this.cloud.transact((tx) => {
        this.cloud.remove(tx, 'port', portId);
      }),
    );
  }

  override async findPort(name: string): Promise<Port | undefined> {
    return withFaults(this.point('findPort', name, errorOf(NetworkError)), () =>
      this.cloud.transact((tx) => {
        const port = this.cloud.findByName(tx, 'port', name);
        return port ? toPort(port) : undefined;
      }),
    );
  }

  override async listPorts(namePrefix: string): Promise<Port[]> {
    return withFaults(this.point('listPorts', namePrefix, errorOf(NetworkError)), () =>
      this.cloud.transact((tx) =>
        tx
          .list('ports')
          .filter((port) => port.name.startsWith(namePrefix))
          .map(toPort),
      ),
    );
  }

  override async listSecurityGroups(namePrefix: string): Promise<SecurityGroup[]> {
    return withFaults(this.point('listSecurityGroups', namePrefix, errorOf(NetworkError)), () =>
      this.cloud.transact((tx) =>
        tx
          .list('securityGroups')
          .filter((group) => group.name.startsWith(namePrefix))
          .map(({ id, name, description }) => ({ id, name, description })),
      ),
    );
  }

  override async deleteSecurityGroup(securityGroupId: string): Promise<void> {
    await withFaults(this.point('deleteSecurityGroup', securityGroupId, errorOf(NetworkError)), () =>
      this.cloud.transact((tx) => deleteSecurityGroup(this.cloud, tx, securityGroupId)),
    );
  }

  private point(method: string, subject: string, error: ErrorFactory) {
    return { faults: this.faults, method, subject, error, latencyMs: this.options.apiLatencyMs ?? 0 };
  }
}
