/** Servers in the noop cloud: building one (found by name on a retry) and deleting one with what it holds. */
import { ownedMetadata, type ValidComputeBuildRequest } from '../../../models';
import { ValidationError } from '../../errors';
import type { NoopCloud } from '../../noop/cloud';
import type { FiredFault } from '../../noop/faults';
import type { ServerRecord } from '../../noop/records';
import type { StoreTransaction } from '../../noop/store';
import { ComputeBuildError } from '../errors';
import { bootPorts } from './attachments';
import { joinServerGroup, leaveServerGroup } from './server-groups';

/**
 * Builds the server, or finds the one of that name: it stays BUILDING for `buildDelayMs`, and an `instance-error`
 * fault is recorded on it, to show once it has booted. Returns its compute id.
 */
export function createServer(
  cloud: NoopCloud,
  tx: StoreTransaction,
  valid: ValidComputeBuildRequest,
  buildDelayMs: number,
  fault?: FiredFault,
): string {
  const existing = cloud.findByName(tx, 'server', valid.name);
  if (existing) return existing.computeId;
  for (const [index, networkId] of valid.networkIds.entries()) {
    if (!tx.get('networks', networkId)) {
      throw new ComputeBuildError(
        valid.name,
        { code: 400, message: `Network ${networkId} could not be found` },
        {
          retryable: false,
          cause: new ValidationError(`networkIds.${index}`, `network ${networkId} does not exist`),
        },
      );
    }
  }
  if (valid.serverGroupId && !tx.get('serverGroups', valid.serverGroupId)) {
    throw new ComputeBuildError(
      valid.name,
      { code: 400, message: `Server group ${valid.serverGroupId} could not be found` },
      { retryable: false },
    );
  }
  const now = cloud.now();
  const server: ServerRecord = {
    computeId: cloud.newId(),
    name: valid.name,
    state: 'BUILDING',
    readyAt: now + buildDelayMs,
    imageId: valid.imageId,
    flavor: valid.flavor,
    availabilityZone: valid.availabilityZone ?? 'nova',
    serverGroupId: valid.serverGroupId,
    managementNetworkId: valid.networkIds[0],
    metadata: ownedMetadata(valid.name),
    createdAt: now,
    ...(fault ? { fault: { code: 500, message: fault.rule.faultMessage } } : {}),
  };
  cloud.create(tx, 'server', server.computeId, server.name, server);
  bootPorts(cloud, tx, server, valid.networkIds, valid.portIds);
  if (server.serverGroupId) joinServerGroup(cloud, tx, server.serverGroupId, server.computeId);
  return server.computeId;
}

/** Deletes the server, if it is there, with its ports and its server group membership. */
export function deleteServer(cloud: NoopCloud, tx: StoreTransaction, computeId: string): void {
  const server = tx.get('servers', computeId);
  if (!server) return;
  // As Nova does: ports it made at boot or attach go with the instance; ports handed in are only detached.
  for (const port of cloud.portsOf(tx, computeId)) {
    if (port.autoDelete) cloud.remove(tx, 'port', port.id);
    else cloud.update(tx, 'port', port.id, { ...port, deviceId: undefined, deviceOwner: undefined });
  }
  if (server.serverGroupId) leaveServerGroup(cloud, tx, server.serverGroupId, computeId);
  cloud.remove(tx, 'server', computeId);
}
