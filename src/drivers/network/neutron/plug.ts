import { vipSecurityGroupName, vrrpPortName, type Amphora } from '../../../models';
import { goneIsDone, isInUseConflict } from '../../openstack/errors';
import type { VipPlugRequest, VipUnplugRequest } from '../driver';
import type { NeutronPort } from './schemas';
import { ensureVipSecurityGroup, ensureVrrpRule } from './security-groups';
import type { NeutronStep } from './step';

/**
 * Routes the VIP to each amphora, in the allowed-address-pairs design: the amphora's base port on the VIP network
 * (`octavia-lb-vrrp-<amphoraId>`, found or made) carries the VIP as an allowed address, sits behind the VIP
 * security group (`lb-<lbId>`, made by allocateVip; made here only for a VIP allocated before that), and is attached
 * to the instance through Nova. A MASTER or BACKUP amphora (ACTIVE_STANDBY) also gets VRRP let in between the pair.
 * Every step checks what is there first, so a retry after any failure picks up where the last attempt stopped.
 */
export async function plugVip(step: NeutronStep, request: VipPlugRequest): Promise<Amphora[]> {
  const { vip, loadBalancerId } = request;
  await step.port(vip.portId, `the VIP port of load balancer ${loadBalancerId} is gone`);
  // Every amphora must have an instance before anything is made, so a missing one leaves nothing behind.
  for (const amphora of request.amphorae) await step.server(amphora.computeId, amphora.id);
  const group = await ensureVipSecurityGroup(step, vipSecurityGroupName(loadBalancerId));
  if (request.amphorae.some((amphora) => amphora.role === 'MASTER' || amphora.role === 'BACKUP')) {
    await ensureVrrpRule(step, group, vip.ipAddress.includes(':') ? 'IPv6' : 'IPv4');
  }
  const plugged: Amphora[] = [];
  for (const amphora of request.amphorae) {
    const computeId = amphora.computeId ?? '';
    const base = await basePort(step, request, amphora.id, group.id);
    if (base.device_id !== computeId) {
      if (base.device_id) {
        throw step.fail(
          `base port ${base.id} of amphora ${amphora.id} is attached to instance ${base.device_id}`,
          false,
        );
      }
      await attach(step, computeId, base.id);
    }
    plugged.push({
      ...amphora,
      vrrpIp: base.fixed_ips.find((fixedIp) => fixedIp.subnet_id === vip.subnetId)?.ip_address,
      vrrpPortId: base.id,
      haIp: vip.ipAddress,
      haPortId: vip.portId,
    });
  }
  return plugged;
}

async function basePort(
  step: NeutronStep,
  { vip }: VipPlugRequest,
  amphoraId: string,
  groupId: string,
): Promise<NeutronPort> {
  const wanted = { allowed_address_pairs: [{ ip_address: vip.ipAddress }], security_groups: [groupId] };
  const existing = await step.portNamed(vrrpPortName(amphoraId));
  if (!existing) {
    return step.createPort(vip.subnetId, {
      name: vrrpPortName(amphoraId),
      network_id: vip.networkId,
      admin_state_up: true,
      ...wanted,
    });
  }
  const pairsMatch =
    existing.allowed_address_pairs.length === 1 && existing.allowed_address_pairs[0]?.ip_address === vip.ipAddress;
  const groupsMatch = existing.security_groups.length === 1 && existing.security_groups[0] === groupId;
  if (pairsMatch && groupsMatch) return existing;
  return step.run(() => step.neutron.updatePort(existing.id, wanted));
}

/** Attaches a port through Nova; a 409 because it is attached to this very instance already is success. */
async function attach(step: NeutronStep, computeId: string, portId: string): Promise<void> {
  await step.run(async () => {
    try {
      await step.nova.attachInterface(computeId, { portId });
    } catch (err) {
      if (!isInUseConflict(err)) throw err;
      await step.nova.getInterface(computeId, portId).catch(() => {
        throw err;
      });
    }
  });
}

/** Detaches and deletes each amphora's base port. Idempotent: a base port that is gone is success. */
export async function unplugVip(step: NeutronStep, request: VipUnplugRequest): Promise<void> {
  for (const amphora of request.amphorae) {
    const base = await step.portNamed(vrrpPortName(amphora.id));
    if (!base) continue;
    if (base.device_id) await step.run(() => goneIsDone(step.nova.detachInterface(base.device_id, base.id)));
    await step.run(() => goneIsDone(step.neutron.deletePort(base.id)));
  }
}
