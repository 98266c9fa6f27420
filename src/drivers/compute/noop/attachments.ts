/** An instance's attachments in the noop cloud: ports made on a network for it, or ports handed to it. */
import type { Interface } from '../../../models';
import { AddressUnavailable, type NoopCloud } from '../../noop/cloud';
import type { ServerRecord } from '../../noop/records';
import type { StoreTransaction } from '../../noop/store';
import type { AttachRequest } from '../driver';
import { ComputeError, InstanceNotFoundError } from '../errors';

/** Attaches what the request names, a network or a port, to the instance, which must exist. */
export function attachNetworkOrPort(cloud: NoopCloud, tx: StoreTransaction, request: AttachRequest): Interface {
  if (!tx.get('servers', request.computeId)) throw new InstanceNotFoundError({ id: request.computeId });
  if ('portId' in request) return attachPort(cloud, tx, request.computeId, request.portId);
  return attachNetwork(cloud, tx, request.computeId, request.networkId, request.ipAddress);
}

/** Attaches a new instance's networks, then its ports, in the order the build request lists them. */
export function bootPorts(
  cloud: NoopCloud,
  tx: StoreTransaction,
  server: ServerRecord,
  networkIds: string[],
  portIds: string[],
): void {
  for (const networkId of networkIds) attachNetwork(cloud, tx, server.computeId, networkId);
  for (const portId of portIds) attachPort(cloud, tx, server.computeId, portId);
}

/** Attaches the network through a new port on its first subnet, deleted with the instance. */
function attachNetwork(
  cloud: NoopCloud,
  tx: StoreTransaction,
  computeId: string,
  networkId: string,
  ipAddress?: string,
): Interface {
  const network = tx.get('networks', networkId);
  const subnet = network?.subnetIds[0] ? tx.get('subnets', network.subnetIds[0]) : undefined;
  if (!network || !subnet) {
    throw new ComputeError(
      `Cannot attach network ${networkId} to ${computeId}: the network or its subnet does not exist`,
      { retryable: false },
    );
  }
  try {
    const port = cloud.createPort(
      tx,
      { name: '', networkId, deviceId: computeId, deviceOwner: 'compute:nova', adminStateUp: true, autoDelete: true },
      subnet,
      ipAddress,
    );
    return { computeId, networkId, portId: port.id, fixedIps: port.fixedIps };
  } catch (err) {
    if (err instanceof AddressUnavailable) {
      throw new ComputeError(`Cannot attach network ${networkId} to ${computeId}: ${err.message}`, {
        retryable: false,
        cause: err,
      });
    }
    throw err;
  }
}

/** Attaches an existing port, unless another instance holds it. */
function attachPort(cloud: NoopCloud, tx: StoreTransaction, computeId: string, portId: string): Interface {
  const port = tx.get('ports', portId);
  if (!port)
    throw new ComputeError(`Cannot attach port ${portId} to ${computeId}: the port does not exist`, {
      retryable: false,
    });
  if (port.deviceId && port.deviceId !== computeId) {
    throw new ComputeError(`Cannot attach port ${portId} to ${computeId}: it is in use by ${port.deviceId}`, {
      retryable: false,
    });
  }
  cloud.update(tx, 'port', port.id, { ...port, deviceId: computeId, deviceOwner: 'compute:nova' });
  return { computeId, networkId: port.networkId, portId: port.id, fixedIps: port.fixedIps };
}

/** Detaches the port from the instance: a port made for it goes, one handed in stays. Not attached there is success. */
export function detachPort(
  cloud: NoopCloud,
  tx: StoreTransaction,
  request: { computeId: string; portId: string },
): void {
  const port = tx.get('ports', request.portId);
  if (!port || port.deviceId !== request.computeId) return;
  if (port.autoDelete) cloud.remove(tx, 'port', port.id);
  else cloud.update(tx, 'port', port.id, { ...port, deviceId: undefined, deviceOwner: undefined });
}
