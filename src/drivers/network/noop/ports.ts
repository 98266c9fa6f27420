/** Ports in the noop cloud: making one (by name, idempotently, for createPort) and showing a record as the API does. */
import { OWNED_DESCRIPTION, type Interface, type Port, type Subnet } from '../../../models';
import { AddressUnavailable, type NoopCloud } from '../../noop/cloud';
import type { PortRecord } from '../../noop/records';
import type { StoreTransaction } from '../../noop/store';
import type { CreatePortRequest } from '../driver';
import { NetworkError } from '../errors';
import { requireFirstSubnet, requireNetwork, requireSubnet } from './lookups';

/** A new port on the subnet; an exhausted subnet fails with the caller's `ErrorClass`, not retryable. */
export function newPort(
  cloud: NoopCloud,
  tx: StoreTransaction,
  ErrorClass: new (message: string, options: { retryable: boolean; cause?: unknown }) => Error,
  fields: Parameters<NoopCloud['createPort']>[1],
  subnet: Subnet,
  ipAddress?: string,
): PortRecord {
  try {
    return cloud.createPort(tx, fields, subnet, ipAddress);
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

/** The port named in the request: the one already there by that name, or a new one, with our description. */
export function createPort(cloud: NoopCloud, tx: StoreTransaction, request: CreatePortRequest): Port {
  const existing = cloud.findByName(tx, 'port', request.name);
  if (existing) return toPort(existing);
  const network = requireNetwork(tx, request.networkId);
  const subnet = request.subnetId ? requireSubnet(tx, request.subnetId) : requireFirstSubnet(tx, network);
  return toPort(
    newPort(
      cloud,
      tx,
      NetworkError,
      {
        name: request.name,
        description: OWNED_DESCRIPTION,
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
}

/** The port as an instance's interface. */
export function toInterface(port: PortRecord): Interface {
  return { computeId: port.deviceId ?? '', networkId: port.networkId, portId: port.id, fixedIps: port.fixedIps };
}

/** The port as the API shows it, without the cloud's own bookkeeping. */
export function toPort(record: PortRecord): Port {
  const { autoDelete: _autoDelete, createdAt: _createdAt, ...port } = record;
  return port;
}
