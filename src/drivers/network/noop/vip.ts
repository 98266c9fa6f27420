/** VIPs in the noop cloud: reserving one (the user's port or a port of our own) and releasing it. */
import { isOurBasePort, OWNED_DESCRIPTION, vipPortName, vipSecurityGroupName, type Vip } from '../../../models';
import { ValidationError } from '../../errors';
import type { NoopCloud } from '../../noop/cloud';
import type { PortRecord } from '../../noop/records';
import type { StoreTransaction } from '../../noop/store';
import type { AllocateVipRequest, DeallocateVipRequest } from '../driver';
import { AllocateVipError, PortNotFoundError, VipInUseError } from '../errors';
import { requireFirstSubnet, requireNetwork, requireSubnet } from './lookups';
import { newPort } from './ports';
import { ensureVipSecurityGroup } from './security-groups';

/**
 * Reserves the VIP (the user's port, or one of our own) and makes its security group, once, before the amphorae are
 * plugged side by side.
 */
export function allocateVip(cloud: NoopCloud, tx: StoreTransaction, request: AllocateVipRequest): Vip {
  const vip = request.portId ? userVip(tx, request.portId, request) : ownVip(cloud, tx, request);
  ensureVipSecurityGroup(cloud, tx, request.loadBalancerId);
  return vip;
}

/** A VIP on a port the user supplied: used as it is, and never deleted by us. */
export function userVip(tx: StoreTransaction, portId: string, request: AllocateVipRequest): Vip {
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
export function ownVip(cloud: NoopCloud, tx: StoreTransaction, request: AllocateVipRequest): Vip {
  const name = vipPortName(request.loadBalancerId);
  let port = cloud.findByName(tx, 'port', name);
  if (!port) {
    const subnet = request.subnetId
      ? requireSubnet(tx, request.subnetId)
      : requireFirstSubnet(tx, requireNetwork(tx, request.networkId ?? ''));
    if (request.networkId && subnet.networkId !== request.networkId) {
      throw new ValidationError('vip.subnetId', `subnet ${subnet.id} is not on network ${request.networkId}`);
    }
    port = newPort(
      cloud,
      tx,
      AllocateVipError,
      {
        name,
        description: OWNED_DESCRIPTION,
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

/** The load balancer's own VIP port, by its deterministic name (or by the VIP's port id if it bears that name). */
export function ownedVipPort(
  cloud: NoopCloud,
  tx: StoreTransaction,
  request: DeallocateVipRequest,
): PortRecord | undefined {
  const byName = cloud.findByName(tx, 'port', vipPortName(request.loadBalancerId));
  if (byName) return byName;
  const byId = request.vip ? tx.get('ports', request.vip.portId) : undefined;
  return byId?.name === vipPortName(request.loadBalancerId) ? byId : undefined;
}

/**
 * Releases the VIP: refused while an amphora still answers for its address; then every security group of its name
 * goes, and its port if it is ours (a user's port stays).
 */
export function deallocateVip(cloud: NoopCloud, tx: StoreTransaction, request: DeallocateVipRequest): void {
  const port = request.vip?.octaviaOwned === false ? undefined : ownedVipPort(cloud, tx, request);
  // The address is this load balancer's only while a VIP port holds it: ours, or the user's (which is never released
  // here). Once a release has deleted ours, the address may already serve another load balancer, so a release run
  // again (a worker died before the step was recorded) must not take it for ours and delete that one's base ports.
  const holder = port ?? (request.vip?.octaviaOwned === false ? tx.get('ports', request.vip.portId) : undefined);
  const vipAddress = holder ? (request.vip?.ipAddress ?? holder.fixedIps[0]?.ipAddress) : undefined;
  if (vipAddress) {
    // Base ports of our amphorae that still carry the VIP (a record that lost track of one) go with it, as Octavia
    // removes them itself; a port of anyone else's still answering for the address stops the release.
    const answering = cloud.portsAnsweringFor(tx, vipAddress);
    for (const ours of answering.filter((holder) => isOurBasePort(holder))) {
      cloud.remove(tx, 'port', ours.id);
    }
    const holders = answering.filter((holder) => !isOurBasePort(holder));
    if (holders.length > 0) {
      throw new VipInUseError(
        request.vip?.portId ?? port?.id ?? vipAddress,
        `still plugged into ${holders.map((holder) => holder.name).join(', ')}; unplug it first`,
      );
    }
  }
  const name = vipSecurityGroupName(request.loadBalancerId);
  for (const group of tx.list('securityGroups').filter((candidate) => candidate.name === name)) {
    cloud.remove(tx, 'securityGroup', group.id);
  }
  if (port) cloud.remove(tx, 'port', port.id);
}
