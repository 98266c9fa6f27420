/** An instance's interfaces in the noop cloud: listing, plugging and unplugging networks. */
import type { Interface } from '../../../models';
import type { NoopCloud } from '../../noop/cloud';
import type { StoreTransaction } from '../../noop/store';
import type { NetworkPlugRequest } from '../driver';
import { AmphoraNotFoundError, PlugNetworkError } from '../errors';
import { requireFirstSubnet, requireNetwork } from './lookups';
import { newPort, toInterface } from './ports';

/** The interfaces of the instance: the ports it holds. */
export function interfacesOf(cloud: NoopCloud, tx: StoreTransaction, computeId: string): Interface[] {
  return cloud.portsOf(tx, computeId).map(toInterface);
}

/** Plugs the instance into the network, or finds it already plugged (at the requested address, if any). */
export function plugNetwork(cloud: NoopCloud, tx: StoreTransaction, request: NetworkPlugRequest): Interface {
  if (!tx.get('servers', request.computeId)) throw new AmphoraNotFoundError(request.computeId);
  const network = requireNetwork(tx, request.networkId);
  const existing = interfacesOf(cloud, tx, request.computeId).find(
    (candidate) =>
      candidate.networkId === network.id &&
      (!request.ipAddress || candidate.fixedIps.some((fixedIp) => fixedIp.ipAddress === request.ipAddress)),
  );
  if (existing) return existing;
  const subnet = requireFirstSubnet(tx, network);
  const port = newPort(
    cloud,
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
}

/** Unplugs the instance from the network: ports made for it go, ports handed in are only detached. */
export function unplugNetwork(cloud: NoopCloud, tx: StoreTransaction, request: NetworkPlugRequest): void {
  requireNetwork(tx, request.networkId);
  for (const port of cloud.portsOf(tx, request.computeId)) {
    if (port.networkId !== request.networkId) continue;
    if (request.ipAddress && !port.fixedIps.some((fixedIp) => fixedIp.ipAddress === request.ipAddress)) continue;
    if (port.autoDelete) cloud.remove(tx, 'port', port.id);
    else cloud.update(tx, 'port', port.id, { ...port, deviceId: undefined, deviceOwner: undefined });
  }
}
