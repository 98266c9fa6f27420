import {
  AllocateVipRequestSchema,
  vipSecurityGroupName,
  type Amphora,
  type Interface,
  type Network,
  type Port,
  type SecurityGroup,
  type Subnet,
  type Vip,
} from '../../../models';
import type { NovaApi } from '../../compute/nova/api';
import { toInterface } from '../../compute/nova/mapping';
import { parseRequest, ValidationError } from '../../errors';
import { goneIsDone } from '../../openstack/errors';
import { markRejectionsHandled } from '../../openstack/handled';
import {
  AbstractNetworkDriver,
  type AllocateVipRequest,
  type CreatePortRequest,
  type DeallocateVipRequest,
  type NetworkPlugRequest,
  type UpdateVipRequest,
  type VipPlugRequest,
  type VipUnplugRequest,
} from '../driver';
import {
  AllocateVipError,
  DeallocateVipError,
  NetworkError,
  PlugNetworkError,
  PlugVipError,
  UnplugNetworkError,
  UnplugVipError,
  VipConfigurationNotFoundError,
} from '../errors';
import type { NeutronApi } from './api';
import { interfacesOf, plugNetwork, unplugNetwork, type DetachWait } from './members';
import { plugVip, unplugVip } from './plug';
import { toNetwork, toPort, toSubnet } from './schemas';
import { deleteSecurityGroupById, ownedSecurityGroups, syncListenerRules } from './security-groups';
import { NeutronStep, type NetworkErrorClass } from './step';
import { allocateVip, deallocateVip } from './vip';

export interface NeutronNetworkOptions {
  /** How long `unplugNetwork` waits for Nova to finish a detach; default 20 s, looking every 200 ms. */
  detachWait?: Partial<DetachWait>;
}

/**
 * The network driver over Neutron, in the allowed-address-pairs design (as Octavia's): the VIP is an admin-down port
 * named `octavia-lb-<lbId>`, and each amphora gets a base port on the VIP network, `octavia-lb-vrrp-<amphoraId>`,
 * attached through Nova, that may answer for the VIP address, behind the security group `lb-<lbId>`. Nova is needed
 * for the attachments, so the driver takes a Nova client too.
 */
export class NeutronNetworkDriver extends AbstractNetworkDriver {
  private readonly detachWait: DetachWait;

  constructor(
    private readonly neutron: NeutronApi,
    private readonly nova: NovaApi,
    options: NeutronNetworkOptions = {},
  ) {
    super();
    this.detachWait = { timeoutMs: 20_000, pollMs: 200, ...options.detachWait };
    markRejectionsHandled(this, NeutronNetworkDriver.prototype);
  }

  override async allocateVip(request: AllocateVipRequest): Promise<Vip> {
    const valid = parseRequest(AllocateVipRequestSchema, request);
    return allocateVip(
      this.step(`Allocating a VIP for load balancer ${valid.loadBalancerId}`, AllocateVipError),
      valid,
    );
  }

  override async deallocateVip(request: DeallocateVipRequest): Promise<void> {
    await deallocateVip(
      this.step(`Releasing the VIP of load balancer ${request.loadBalancerId}`, DeallocateVipError),
      request,
    );
  }

  override async plugVip(request: VipPlugRequest): Promise<Amphora[]> {
    return plugVip(this.step(`Plugging the VIP of load balancer ${request.loadBalancerId}`, PlugVipError), request);
  }

  override async unplugVip(request: VipUnplugRequest): Promise<void> {
    await unplugVip(
      this.step(`Unplugging the VIP of load balancer ${request.loadBalancerId}`, UnplugVipError),
      request,
    );
  }

  override async plugNetwork(request: NetworkPlugRequest): Promise<Interface> {
    const action = `Plugging network ${request.networkId} into instance ${request.computeId}`;
    return plugNetwork(this.step(action, PlugNetworkError), request);
  }

  override async unplugNetwork(request: NetworkPlugRequest): Promise<void> {
    const action = `Unplugging network ${request.networkId} from instance ${request.computeId}`;
    await unplugNetwork(this.step(action, UnplugNetworkError), request, this.detachWait);
  }

  override async getPluggedNetworks(computeId: string): Promise<Interface[]> {
    const step = this.step(`Listing the interfaces of instance ${computeId}`, NetworkError);
    return (await interfacesOf(step, computeId)).map((attachment) => toInterface(computeId, attachment));
  }

  override async updateVip(request: UpdateVipRequest): Promise<void> {
    const step = this.step(`Updating the VIP of load balancer ${request.loadBalancerId}`, NetworkError);
    const name = vipSecurityGroupName(request.loadBalancerId);
    const groups = await ownedSecurityGroups(step, name);
    if (groups.length === 0) {
      throw new VipConfigurationNotFoundError(
        `${step.action} failed: VIP security group ${name} was not found; allocate the VIP (which makes the group) before updating it`,
      );
    }
    if (!(await step.portIfAny(request.vip.portId))) {
      throw new VipConfigurationNotFoundError(
        `${step.action} failed: VIP port ${request.vip.portId} is gone; allocate the VIP again`,
      );
    }
    const ethertype = request.vip.ipAddress.includes(':') ? 'IPv6' : 'IPv4';
    // Every group of ours with the name, should a race of an older version have left two: a base port may use either.
    for (const group of groups) await syncListenerRules(step, group, request.listenerPorts ?? [], ethertype);
  }

  override async getNetwork(networkId: string): Promise<Network> {
    return toNetwork(await this.step(`Reading network ${networkId}`, NetworkError).network(networkId));
  }

  override async getSubnet(subnetId: string): Promise<Subnet> {
    return toSubnet(await this.step(`Reading subnet ${subnetId}`, NetworkError).subnet(subnetId));
  }

  override async getPort(portId: string): Promise<Port> {
    return toPort(await this.step(`Reading port ${portId}`, NetworkError).port(portId));
  }

  override async failoverPreparation(amphora: Amphora): Promise<void> {
    if (!amphora.vrrpPortId) return;
    // Looked at only so that an unreachable Neutron fails the failover before anything is built. A base port that is
    // already gone is no reason to refuse: a broken amphora is what failovers are for, and its unplug is idempotent.
    const step = this.step(`Preparing amphora ${amphora.id} for failover`, NetworkError);
    await step.portIfAny(amphora.vrrpPortId);
  }

  override async createPort(request: CreatePortRequest): Promise<Port> {
    if (!request.name) throw new ValidationError('name', 'ports this service creates need a deterministic name');
    const step = this.step(`Creating port ${request.name}`, NetworkError);
    const existing = await step.portNamed(request.name);
    if (existing) return toPort(existing);
    const network = await step.network(request.networkId);
    const subnet = request.subnetId ? await step.subnet(request.subnetId) : await step.firstSubnet(network);
    const fields = {
      name: request.name,
      network_id: network.id,
      admin_state_up: request.adminStateUp ?? true,
      ...(request.deviceOwner ? { device_owner: request.deviceOwner } : {}),
      ...(request.securityGroupIds ? { security_groups: request.securityGroupIds } : {}),
      ...(request.qosPolicyId ? { qos_policy_id: request.qosPolicyId } : {}),
      ...(request.projectId ? { project_id: request.projectId } : {}),
    };
    return toPort(await step.createPort(subnet.id, fields, request.ipAddress));
  }

  override async deletePort(portId: string): Promise<void> {
    const step = this.step(`Deleting port ${portId}`, NetworkError);
    await step.run(() => goneIsDone(this.neutron.deletePort(portId)));
  }

  override async findPort(name: string): Promise<Port | undefined> {
    const found = await this.step(`Looking up port ${name}`, NetworkError).portNamed(name);
    return found ? toPort(found) : undefined;
  }

  override async listPorts(namePrefix: string): Promise<Port[]> {
    const step = this.step(`Listing ports named ${namePrefix}*`, NetworkError);
    // Neutron filters names by exact match only, so the prefix is applied here.
    const ports = await step.run(() => this.neutron.listPorts());
    return ports.filter((port) => port.name.startsWith(namePrefix)).map(toPort);
  }

  override async listSecurityGroups(namePrefix: string): Promise<SecurityGroup[]> {
    const step = this.step(`Listing security groups named ${namePrefix}*`, NetworkError);
    // Neutron filters names by exact match only, so the prefix is applied here.
    const groups = await step.run(() => this.neutron.listSecurityGroups());
    return groups
      .filter((group) => group.name.startsWith(namePrefix))
      .map(({ id, name, description }) => ({ id, name, description: description ?? undefined }));
  }

  override async deleteSecurityGroup(securityGroupId: string): Promise<void> {
    await deleteSecurityGroupById(
      this.step(`Deleting security group ${securityGroupId}`, NetworkError),
      securityGroupId,
    );
  }

  private step(action: string, Family: NetworkErrorClass): NeutronStep {
    return new NeutronStep(this.neutron, this.nova, action, Family);
  }
}
