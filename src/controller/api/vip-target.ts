import { NetworkNotFoundError, PortNotFoundError, SubnetNotFoundError } from '../../drivers/network/errors';
import type { Caller, NetworkLookups } from './context';
import { ApiFault, invalidField } from './faults';

/** What a create names for its VIP, as the request gave it. */
export interface VipTarget {
  vip_subnet_id?: string | null;
  vip_network_id?: string | null;
  vip_port_id?: string | null;
}

/**
 * Checks, before anything starts, that what a create names for its VIP exists and is the project's to use, as that
 * project would see it in Neutron: its own or shared (no project). Another project's subnet, network or port looks
 * exactly like a missing one, so its existence is not revealed; a port already bound to an instance, or answering for
 * another address (another load balancer's amphora), is refused. Octavia answers all of these with a 400 naming the
 * field rather than a 201 followed by ERROR.
 *
 * @throws ApiFault 400 naming the field; 503 when the network service cannot be asked.
 */
export async function checkVipTarget(
  network: NetworkLookups,
  caller: Caller,
  projectId: string,
  target: VipTarget,
): Promise<void> {
  const usable = (owner: string | undefined) => caller.admin || owner === undefined || owner === projectId;
  if (target.vip_port_id) {
    const id = target.vip_port_id;
    const port = await lookUp(() => network.getPort(id));
    if (!port || !usable(port.projectId)) throw invalidField('vip_port_id', id, `Port ${id} could not be found.`);
    if (port.deviceId || port.deviceOwner || port.allowedAddressPairs.length > 0) {
      throw invalidField(
        'vip_port_id',
        id,
        `Port ${id} is already in use (device ${port.deviceId || port.deviceOwner || 'with allowed address pairs'}); give a port that nothing uses.`,
      );
    }
  }
  if (target.vip_subnet_id) {
    const id = target.vip_subnet_id;
    const subnet = await lookUp(() => network.getSubnet(id));
    if (!subnet || !usable(subnet.projectId))
      throw invalidField('vip_subnet_id', id, `Subnet ${id} could not be found.`);
  }
  if (target.vip_network_id) {
    const id = target.vip_network_id;
    const found = await lookUp(() => network.getNetwork(id));
    if (!found || !usable(found.projectId)) {
      throw invalidField('vip_network_id', id, `Network ${id} could not be found.`);
    }
  }
}

/** The resource, or undefined when the network service says there is none; other failures are a 503. */
async function lookUp<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    const missing = [PortNotFoundError, SubnetNotFoundError, NetworkNotFoundError].some((type) => err instanceof type);
    if (missing) return undefined;
    throw new ApiFault(503, `The network service could not be asked about the VIP: ${describe(err)}. Try again.`);
  }
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));
