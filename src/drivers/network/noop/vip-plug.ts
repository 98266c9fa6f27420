/** Plugging the VIP into amphorae in the noop cloud: a base port each, allowed to answer for the VIP address. */
import { OWNED_DESCRIPTION, vrrpPortName, type Amphora } from '../../../models';
import type { NoopCloud } from '../../noop/cloud';
import type { PortRecord } from '../../noop/records';
import type { StoreTransaction } from '../../noop/store';
import type { VipPlugRequest, VipUnplugRequest } from '../driver';
import { AmphoraNotFoundError, PlugVipError, PortNotFoundError } from '../errors';
import { requireSubnet } from './lookups';
import { newPort } from './ports';
import { ensureVipSecurityGroup } from './security-groups';

/**
 * Gives each amphora its base port on the VIP network (found by its deterministic name or made now), attached to its
 * instance, allowed to answer for the VIP address, behind the VIP security group (which lets VRRP through for a
 * MASTER or BACKUP); returns the amphorae with their VRRP and HA addresses.
 */
export function plugVip(cloud: NoopCloud, tx: StoreTransaction, request: VipPlugRequest): Amphora[] {
  const vipPort = tx.get('ports', request.vip.portId);
  if (!vipPort)
    throw new PortNotFoundError(request.vip.portId, `the VIP port of load balancer ${request.loadBalancerId} is gone`);
  const subnet = requireSubnet(tx, request.vip.subnetId);
  // allocateVip made the group; a VIP allocated before it did gets one here.
  const group = ensureVipSecurityGroup(cloud, tx, request.loadBalancerId);
  if (!group.vrrp && request.amphorae.some((amphora) => amphora.role === 'MASTER' || amphora.role === 'BACKUP')) {
    // ACTIVE_STANDBY: VRRP (IP protocol 112) passes between the pair, as Octavia lets it.
    cloud.update(tx, 'securityGroup', group.id, { ...group, vrrp: true });
  }
  return request.amphorae.map((amphora) => {
    if (!amphora.computeId || !tx.get('servers', amphora.computeId)) {
      throw new AmphoraNotFoundError(amphora.computeId ?? '(none)', `amphora ${amphora.id} has no compute instance`);
    }
    const name = vrrpPortName(amphora.id);
    const port =
      cloud.findByName(tx, 'port', name) ??
      newPort(
        cloud,
        tx,
        PlugVipError,
        {
          name,
          description: OWNED_DESCRIPTION,
          networkId: request.vip.networkId,
          deviceOwner: 'Octavia',
          adminStateUp: true,
          autoDelete: false,
          // No project of the tenant's: like the Neutron driver (and Octavia), the base port is the service's own.
          securityGroupIds: [group.id],
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
    cloud.update(tx, 'port', port.id, plugged);
    return {
      ...amphora,
      vrrpIp: plugged.fixedIps[0]?.ipAddress,
      vrrpPortId: plugged.id,
      haIp: request.vip.ipAddress,
      haPortId: request.vip.portId,
    };
  });
}

/** Deletes the amphorae's base ports (those still there). */
export function unplugVip(cloud: NoopCloud, tx: StoreTransaction, request: VipUnplugRequest): void {
  for (const amphora of request.amphorae) {
    const port = cloud.findByName(tx, 'port', vrrpPortName(amphora.id));
    if (port) cloud.remove(tx, 'port', port.id);
  }
}
