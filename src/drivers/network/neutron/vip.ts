import { isOurBasePort, vipPortName, vipSecurityGroupName, type Vip } from '../../../models';
import { ValidationError } from '../../errors';
import { goneIsDone } from '../../openstack/errors';
import type { AllocateVipRequest, DeallocateVipRequest } from '../driver';
import { VipInUseError } from '../errors';
import type { NeutronPort } from './schemas';
import { deleteVipSecurityGroups, ensureVipSecurityGroup } from './security-groups';
import type { NeutronStep } from './step';

/** Octavia's marker on VIP ports, so operators (and Octavia's tools) recognise them. */
export const VIP_DEVICE_OWNER = 'Octavia';

function vipOf(step: NeutronStep, port: NeutronPort, octaviaOwned: boolean, subnetId?: string, qos?: string): Vip {
  const fixedIp = port.fixed_ips.find((candidate) => !subnetId || candidate.subnet_id === subnetId);
  if (!fixedIp) throw step.fail(`port ${port.id} has no address to use as a VIP`, false);
  return {
    ipAddress: fixedIp.ip_address,
    subnetId: fixedIp.subnet_id,
    networkId: port.network_id,
    portId: port.id,
    qosPolicyId: qos ?? port.qos_policy_id ?? undefined,
    octaviaOwned,
  };
}

/**
 * Reserves a VIP: the user's port as it is, or a port of our own named `octavia-lb-<lbId>` (found by that name on a
 * retry), admin-down so that it never carries traffic itself, on the requested subnet (or the network's first). Then
 * makes the VIP security group `lb-<lbId>`, here, once, before the amphorae are plugged side by side.
 */
export async function allocateVip(step: NeutronStep, request: AllocateVipRequest): Promise<Vip> {
  const vip = await reserveVip(step, request);
  await ensureVipSecurityGroup(step, vipSecurityGroupName(request.loadBalancerId));
  return vip;
}

async function reserveVip(step: NeutronStep, request: AllocateVipRequest): Promise<Vip> {
  if (request.portId) {
    const port = await step.port(request.portId, 'the VIP port given in the request does not exist');
    return vipOf(step, port, false, request.subnetId, request.qosPolicyId);
  }
  const name = vipPortName(request.loadBalancerId);
  const existing = await step.portNamed(name);
  if (existing) return vipOf(step, existing, true);
  const subnet = request.subnetId
    ? await step.subnet(request.subnetId)
    : await step.firstSubnet(await step.network(request.networkId ?? ''));
  if (request.networkId && subnet.network_id !== request.networkId) {
    throw new ValidationError('vip.subnetId', `subnet ${subnet.id} is not on network ${request.networkId}`);
  }
  const port = await step.createPort(
    subnet.id,
    {
      name,
      network_id: subnet.network_id,
      admin_state_up: false,
      device_owner: VIP_DEVICE_OWNER,
      device_id: `lb-${request.loadBalancerId}`,
      ...(request.qosPolicyId ? { qos_policy_id: request.qosPolicyId } : {}),
      ...(request.projectId ? { project_id: request.projectId } : {}),
    },
    request.ipAddress,
  );
  return vipOf(step, port, true, subnet.id);
}

/** The VIP port this service made for the load balancer; never a port of another name (the user's, another LB's). */
async function ownedVipPort(step: NeutronStep, request: DeallocateVipRequest): Promise<NeutronPort | undefined> {
  if (request.vip?.octaviaOwned === false) return undefined;
  const name = vipPortName(request.loadBalancerId);
  const byName = await step.portNamed(name);
  if (byName || !request.vip) return byName;
  const byId = await step.portIfAny(request.vip.portId);
  return byId?.name === name ? byId : undefined;
}

const carries = (port: NeutronPort, address: string) =>
  port.allowed_address_pairs.some((pair) => pair.ip_address === address || pair.ip_address === `${address}/32`);

/**
 * Releases a VIP: every VIP security group of ours with its name (a race of an older version may have made two),
 * and the VIP port when this service made it. Refuses while any port on the VIP network still carries the address as
 * an allowed address pair (an amphora still has it plugged).
 */
export async function deallocateVip(step: NeutronStep, request: DeallocateVipRequest): Promise<void> {
  const port = await ownedVipPort(step, request);
  // The address is this load balancer's only while a VIP port holds it: ours, or the user's (which is never released
  // here). Once a release has deleted ours, the address may already serve another load balancer, so a release run
  // again (a worker died before the step was recorded) must not take it for ours and delete that one's base ports.
  const holder = port ?? (request.vip?.octaviaOwned === false ? await step.portIfAny(request.vip.portId) : undefined);
  const address = holder ? (request.vip?.ipAddress ?? holder.fixed_ips[0]?.ip_address) : undefined;
  const networkId = request.vip?.networkId ?? holder?.network_id;
  if (address && networkId) {
    const onNetwork = await step.run(() => step.neutron.listPorts({ network_id: networkId }));
    const answering = onNetwork.filter((candidate) => carries(candidate, address));
    // Base ports of our amphorae that still carry the VIP (a record that lost track of one) go with it, as Octavia
    // removes them itself; a port of anyone else's still answering for the address stops the release.
    const ours = answering.filter((candidate) => isOurBasePort(candidate));
    for (const port of ours) await step.run(() => goneIsDone(step.neutron.deletePort(port.id)));
    const holders = answering.filter((candidate) => !ours.includes(candidate));
    if (holders.length > 0) {
      throw new VipInUseError(
        request.vip?.portId ?? port?.id ?? address,
        `${address} is still plugged into ${holders.map((holder) => holder.name || holder.id).join(', ')}; unplug it first`,
      );
    }
  }
  await deleteVipSecurityGroups(step, vipSecurityGroupName(request.loadBalancerId));
  if (port) await step.run(() => goneIsDone(step.neutron.deletePort(port.id)));
}
