import {
  AllocateVipRequestSchema,
  type Amphora,
  type Interface,
  type Network,
  type Port,
  type SecurityGroup,
  type Subnet,
  type Vip,
} from '../../models';
import { parseRequest, ValidationError } from '../errors';
import { AddressUnavailable, type NoopCloud } from '../noop/cloud';
import type { FaultInjector } from '../noop/faults';
import { withFaults } from '../noop/inject';
import type { PortRecord, SecurityGroupRecord } from '../noop/records';
import type { StoreTransaction } from '../noop/store';
import {
  AbstractNetworkDriver,
  type AllocateVipRequest,
  type CreatePortRequest,
  type DeallocateVipRequest,
  type VipUnplugRequest,
  type NetworkPlugRequest,
  type UpdateVipRequest,
  type VipPlugRequest,
} from './driver';
import {
  AllocateVipError,
  AmphoraNotFoundError,
  DeallocateVipError,
  NetworkError,
  NetworkNotFoundError,
  PlugNetworkError,
  PlugVipError,
  PortNotFoundError,
  SubnetNotFoundError,
  UnplugNetworkError,
  UnplugVipError,
  VipConfigurationNotFoundError,
  VipInUseError,
} from './errors';
import { vipPortName, vipSecurityGroupName, vrrpPortName } from '../../models';

type ErrorFactory = (message: string, retryable: boolean) => Error;
const errorOf =
  (ErrorClass: new (message: string, options: { retryable: boolean }) => Error): ErrorFactory =>
  (message, retryable) =>
    new ErrorClass(message, { retryable });

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
      this.cloud.transact((tx) => (valid.portId ? this.userVip(tx, valid.portId, valid) : this.ownVip(tx, valid))),
    );
  }

  override async deallocateVip(request: DeallocateVipRequest): Promise<void> {
    await withFaults(this.point('deallocateVip', request.loadBalancerId, errorOf(DeallocateVipError)), () =>
      this.cloud.transact((tx) => {
        const port = request.vip?.octaviaOwned === false ? undefined : this.ownedVipPort(tx, request);
        const vipAddress = request.vip?.ipAddress ?? port?.fixedIps[0]?.ipAddress;
        if (vipAddress) {
          const holders = this.cloud.portsAnsweringFor(tx, vipAddress);
          if (holders.length > 0) {
            throw new VipInUseError(
              request.vip?.portId ?? port?.id ?? vipAddress,
              `still plugged into ${holders.map((holder) => holder.name).join(', ')}; unplug it first`,
            );
          }
        }
        const group = this.cloud.findByName(tx, 'securityGroup', vipSecurityGroupName(request.loadBalancerId));
        if (group) this.cloud.remove(tx, 'securityGroup', group.id);
        if (port) this.cloud.remove(tx, 'port', port.id);
      }),
    );
  }

  override async plugVip(request: VipPlugRequest): Promise<Amphora[]> {
    return withFaults(this.point('plugVip', request.loadBalancerId, errorOf(PlugVipError)), () =>
      this.cloud.transact((tx) => {
        const vipPort = tx.get('ports', request.vip.portId);
        if (!vipPort)
          throw new PortNotFoundError(
            request.vip.portId,
            `the VIP port of load balancer ${request.loadBalancerId} is gone`,
          );
        const subnet = this.subnet(tx, request.vip.subnetId);
        const group = this.ensureVipSecurityGroup(tx, request.loadBalancerId);
        return request.amphorae.map((amphora) => {
          if (!amphora.computeId || !tx.get('servers', amphora.computeId)) {
            throw new AmphoraNotFoundError(
              amphora.computeId ?? '(none)',
              `amphora ${amphora.id} has no compute instance`,
            );
          }
          const name = vrrpPortName(amphora.id);
          const port =
            this.cloud.findByName(tx, 'port', name) ??
            this.newPort(
              tx,
              PlugVipError,
              {
                name,
                networkId: request.vip.networkId,
                deviceOwner: 'Octavia',
                adminStateUp: true,
                autoDelete: false,
                securityGroupIds: [group.id],
                projectId: vipPort.projectId,
              },
              subnet,
            );
          const plugged: PortRecord = {
            ...port,
            deviceId: amphora.computeId,
            deviceOwner: 'compute:nova',
            allowedAddressPairs: [{ ipAddress: request.vip.ipAddress }],
            securityGroupIds: [group.id],
          };
          this.cloud.update(tx, 'port', port.id, plugged);
          return {
            ...amphora,
            vrrpIp: plugged.fixedIps[0]?.ipAddress,
            vrrpPortId: plugged.id,
            haIp: request.vip.ipAddress,
            haPortId: request.vip.portId,
          };
        });
      }),
    );
  }

  override async unplugVip(request: VipUnplugRequest): Promise<void> {
    await withFaults(this.point('unplugVip', request.loadBalancerId, errorOf(UnplugVipError)), () =>
      this.cloud.transact((tx) => {
        for (const amphora of request.amphorae) {
          const port = this.cloud.findByName(tx, 'port', vrrpPortName(amphora.id));
          if (port) this.cloud.remove(tx, 'port', port.id);
        }
      }),
    );
  }

  override async plugNetwork(request: NetworkPlugRequest): Promise<Interface> {
    return withFaults(this.point('plugNetwork', request.computeId, errorOf(PlugNetworkError)), () =>
      this.cloud.transact((tx) => {
        if (!tx.get('servers', request.computeId)) throw new AmphoraNotFoundError(request.computeId);
        const network = this.network(tx, request.networkId);
        const existing = this.interfaces(tx, request.computeId).find(
          (candidate) =>
            candidate.networkId === network.id &&
            (!request.ipAddress || candidate.fixedIps.some((fixedIp) => fixedIp.ipAddress === request.ipAddress)),
        );
        if (existing) return existing;
        const subnet = this.firstSubnet(tx, network);
        const port = this.newPort(
          tx,
          PlugNetworkError,
          {
            name: '',
            networkId: network.id,
            deviceId: request.computeId,
            deviceOwner: 'compute:nova',
            adminStateUp: true,
            autoDelete: true,
          },
          subnet,
          request.ipAddress,
        );
        return toInterface(port);
      }),
    );
  }

  override async unplugNetwork(request: NetworkPlugRequest): Promise<void> {
    await withFaults(this.point('unplugNetwork', request.computeId, errorOf(UnplugNetworkError)), () =>
      this.cloud.transact((tx) => {
        this.network(tx, request.networkId);
        for (const port of this.cloud.portsOf(tx, request.computeId)) {
          if (port.networkId !== request.networkId) continue;
          if (request.ipAddress && !port.fixedIps.some((fixedIp) => fixedIp.ipAddress === request.ipAddress)) continue;
          if (port.autoDelete) this.cloud.remove(tx, 'port', port.id);
          else this.cloud.update(tx, 'port', port.id, { ...port, deviceId: undefined, deviceOwner: undefined });
        }
      }),
    );
  }

  override async getPluggedNetworks(computeId: string): Promise<Interface[]> {
    return withFaults(this.point('getPluggedNetworks', computeId, errorOf(NetworkError)), () =>
      this.cloud.transact((tx) => this.interfaces(tx, computeId)),
    );
  }

  override async updateVip(request: UpdateVipRequest): Promise<void> {
    await withFaults(this.point('updateVip', request.loadBalancerId, errorOf(NetworkError)), () =>
      this.cloud.transact((tx) => {
        const group = this.cloud.findByName(tx, 'securityGroup', vipSecurityGroupName(request.loadBalancerId));
        if (!group) {
          throw new VipConfigurationNotFoundError(
            `VIP security group ${vipSecurityGroupName(request.loadBalancerId)} was not found; plug the VIP before updating it`,
          );
        }
        const rules = [...(request.listenerPorts ?? [])].sort((a, b) => a.port - b.port);
        this.cloud.update(tx, 'securityGroup', group.id, { ...group, rules });
      }),
    );
  }

  override async getNetwork(networkId: string): Promise<Network> {
    return withFaults(this.point('getNetwork', networkId, errorOf(NetworkError)), () =>
      this.cloud.transact((tx) => this.network(tx, networkId)),
    );
  }

  override async getSubnet(subnetId: string): Promise<Subnet> {
    return withFaults(this.point('getSubnet', subnetId, errorOf(NetworkError)), () =>
      this.cloud.transact((tx) => this.subnet(tx, subnetId)),
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
      this.cloud.transact((tx) => {
        if (amphora.vrrpPortId && !tx.get('ports', amphora.vrrpPortId)) {
          throw new PortNotFoundError(amphora.vrrpPortId, `the base port of amphora ${amphora.id} is gone`);
        }
      }),
    );
  }

  override async createPort(request: CreatePortRequest): Promise<Port> {
    if (!request.name) throw new ValidationError('name', 'ports this service creates need a deterministic name');
    return withFaults(this.point('createPort', request.name, errorOf(NetworkError)), () =>
      this.cloud.transact((tx) => {
        const existing = this.cloud.findByName(tx, 'port', request.name);
        if (existing) return toPort(existing);
        const network = this.network(tx, request.networkId);
        const subnet = request.subnetId ? this.subnet(tx, request.subnetId) : this.firstSubnet(tx, network);
        return toPort(
          this.newPort(
            tx,
            NetworkError,
            {
              name: request.name,
              networkId: network.id,
              deviceOwner: request.deviceOwner,
              adminStateUp: request.adminStateUp ?? true,
              autoDelete: false,
              securityGroupIds: request.securityGroupIds ?? [],
              qosPolicyId: request.qosPolicyId,
              projectId: request.projectId,
            },
            subnet,
            request.ipAddress,
          ),
        );
      }),
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
          .map(({ id, name }) => ({ id, name })),
      ),
    );
  }

  override async deleteSecurityGroup(securityGroupId: string): Promise<void> {
    await withFaults(this.point('deleteSecurityGroup', securityGroupId, errorOf(NetworkError)), () =>
      this.cloud.transact((tx) => {
        if (!tx.get('securityGroups', securityGroupId)) return;
        // As Neutron does (409 SecurityGroupInUse): a group a port still carries stays, and a retry may succeed.
        const user = tx.list('ports').find((port) => port.securityGroupIds.includes(securityGroupId));
        if (user) {
          throw new NetworkError(`Security group ${securityGroupId} is still used by port ${user.name || user.id}`, {
            retryable: true,
          });
        }
        this.cloud.remove(tx, 'securityGroup', securityGroupId);
      }),
    );
  }

  private point(method: string, subject: string, error: ErrorFactory) {
    return { faults: this.faults, method, subject, error, latencyMs: this.options.apiLatencyMs ?? 0 };
  }

  /** A VIP on a port the user supplied: used as it is, and never deleted by us. */
  private userVip(tx: StoreTransaction, portId: string, request: AllocateVipRequest): Vip {
    const port = tx.get('ports', portId);
    if (!port) throw new PortNotFoundError(portId, 'the VIP port given in the request does not exist');
    const fixedIp = port.fixedIps[0];
    if (!fixedIp) throw new AllocateVipError(`Port ${portId} has no address to use as a VIP`, { retryable: false });
    return {
      ipAddress: fixedIp.ipAddress,
      subnetId: fixedIp.subnetId,
      networkId: port.networkId,
      portId: port.id,
      qosPolicyId: request.qosPolicyId ?? port.qosPolicyId,
      octaviaOwned: false,
    };
  }

  /** A VIP on a port of our own, found by its deterministic name or made now. */
  private ownVip(tx: StoreTransaction, request: AllocateVipRequest): Vip {
    const name = vipPortName(request.loadBalancerId);
    let port = this.cloud.findByName(tx, 'port', name);
    if (!port) {
      const subnet = request.subnetId
        ? this.subnet(tx, request.subnetId)
        : this.firstSubnet(tx, this.network(tx, request.networkId ?? ''));
      if (request.networkId && subnet.networkId !== request.networkId) {
        throw new ValidationError('vip.subnetId', `subnet ${subnet.id} is not on network ${request.networkId}`);
      }
      port = this.newPort(
        tx,
        AllocateVipError,
        {
          name,
          networkId: subnet.networkId,
          deviceId: `lb-${request.loadBalancerId}`,
          deviceOwner: 'Octavia',
          adminStateUp: false,
          autoDelete: false,
          qosPolicyId: request.qosPolicyId,
          projectId: request.projectId,
        },
        subnet,
        request.ipAddress,
      );
    }
    const fixedIp = port.fixedIps[0];
    if (!fixedIp) throw new AllocateVipError(`VIP port ${port.id} has no address`, { retryable: false });
    return {
      ipAddress: fixedIp.ipAddress,
      subnetId: fixedIp.subnetId,
      networkId: port.networkId,
      portId: port.id,
      qosPolicyId: port.qosPolicyId,
      octaviaOwned: true,
    };
  }

  private ownedVipPort(tx: StoreTransaction, request: DeallocateVipRequest): PortRecord | undefined {
    const byName = this.cloud.findByName(tx, 'port', vipPortName(request.loadBalancerId));
    if (byName) return byName;
    const byId = request.vip ? tx.get('ports', request.vip.portId) : undefined;
    return byId?.name === vipPortName(request.loadBalancerId) ? byId : undefined;
  }

  private ensureVipSecurityGroup(tx: StoreTransaction, loadBalancerId: string): SecurityGroupRecord {
    const name = vipSecurityGroupName(loadBalancerId);
    const existing = this.cloud.findByName(tx, 'securityGroup', name);
    if (existing) return existing;
    const group: SecurityGroupRecord = { id: this.cloud.newId(), name, rules: [] };
    this.cloud.create(tx, 'securityGroup', group.id, name, group);
    return group;
  }

  private newPort(
    tx: StoreTransaction,
    ErrorClass: new (message: string, options: { retryable: boolean; cause?: unknown }) => Error,
    fields: Parameters<NoopCloud['createPort']>[1],
    subnet: Subnet,
    ipAddress?: string,
  ): PortRecord {
    try {
      return this.cloud.createPort(tx, fields, subnet, ipAddress);
    } catch (err) {
      if (err instanceof AddressUnavailable) {
        throw new ErrorClass(`No address for ${fields.name || 'the new port'}: ${err.message}`, {
          retryable: false,
          cause: err,
        });
      }
      throw err;
    }
  }

  private network(tx: StoreTransaction, networkId: string): Network {
    const network = tx.get('networks', networkId);
    if (!network) throw new NetworkNotFoundError(networkId);
    return network;
  }

  private subnet(tx: StoreTransaction, subnetId: string): Subnet {
    const subnet = tx.get('subnets', subnetId);
    if (!subnet) throw new SubnetNotFoundError(subnetId);
    return subnet;
  }

  private firstSubnet(tx: StoreTransaction, network: Network): Subnet {
    const subnetId = network.subnetIds[0];
    if (!subnetId) throw new SubnetNotFoundError('(none)', `network ${network.id} has no subnet`);
    return this.subnet(tx, subnetId);
  }

  private interfaces(tx: StoreTransaction, computeId: string): Interface[] {
    return this.cloud.portsOf(tx, computeId).map(toInterface);
  }
}

function toInterface(port: PortRecord): Interface {
  return { computeId: port.deviceId ?? '', networkId: port.networkId, portId: port.id, fixedIps: port.fixedIps };
}

function toPort(record: PortRecord): Port {
  const { autoDelete: _autoDelete, createdAt: _createdAt, ...port } = record;
  return port;
}
