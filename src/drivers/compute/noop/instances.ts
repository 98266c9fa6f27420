/** Instances of the noop cloud as the compute service shows them. */
import type { ComputeInstance } from '../../../models';
import type { NoopCloud } from '../../noop/cloud';
import type { ServerRecord } from '../../noop/records';
import type { ReadTransaction } from '../../noop/store';
import type { InstanceLookup, InstanceWithFault } from '../driver';
import { InstanceNotFoundError } from '../errors';

/** The instance, by id or name, or InstanceNotFoundError. */
export function readInstance(cloud: NoopCloud, lookup: InstanceLookup): InstanceWithFault {
  return cloud.read((tx) => {
    const server = 'id' in lookup ? tx.get('servers', lookup.id) : cloud.findByName(tx, 'server', lookup.name);
    if (!server) throw new InstanceNotFoundError(lookup);
    return toInstance(cloud, tx, server);
  });
}

/** The instance as the compute service would show it now: a finished boot is ACTIVE, or ERROR with its fault. */
export function toInstance(cloud: NoopCloud, tx: ReadTransaction, server: ServerRecord): InstanceWithFault {
  const booted = server.state === 'BUILDING' && cloud.now() >= server.readyAt;
  const state = booted ? (server.fault ? 'ERROR' : 'ACTIVE') : server.state;
  const managementPort = cloud
    .portsOf(tx, server.computeId)
    .find((port) => port.networkId === server.managementNetworkId);
  const amphora: ComputeInstance = {
    computeId: server.computeId,
    name: server.name,
    state,
    lbNetworkIp: managementPort?.fixedIps[0]?.ipAddress,
    cachedZone: server.availabilityZone,
    imageId: server.imageId,
    computeFlavor: server.flavor,
    serverGroupId: server.serverGroupId,
    metadata: server.metadata,
  };
  return state === 'ERROR' && server.fault ? { amphora, fault: server.fault } : { amphora };
}
