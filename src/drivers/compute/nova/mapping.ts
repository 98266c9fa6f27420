import {
  ownedMetadata,
  type ComputeInstance,
  type InstanceState,
  type Interface,
  type ServerGroup,
  type ValidComputeBuildRequest,
} from '../../../models';
import { ValidationError } from '../../errors';
import type { InstanceWithFault } from '../driver';
import type { NovaInterface, NovaServer, NovaServerGroup } from './schemas';

/**
 * Nova's server status -> the instance state. A server in a transition (rebooting, resizing, migrating) is not up, so
 * it reads as BUILDING; one that is paused, suspended, shelved or in rescue does not serve, so it reads as SHUTOFF.
 */
export function instanceStateOf(status: string): InstanceState {
  switch (status) {
    case 'ACTIVE':
      return 'ACTIVE';
    case 'BUILD':
    case 'REBUILD':
    case 'REBOOT':
    case 'HARD_REBOOT':
    case 'MIGRATING':
    case 'RESIZE':
    case 'VERIFY_RESIZE':
    case 'REVERT_RESIZE':
    case 'PASSWORD':
      return 'BUILDING';
    case 'SHUTOFF':
    case 'PAUSED':
    case 'SUSPENDED':
    case 'SHELVED':
    case 'SHELVED_OFFLOADED':
    case 'RESCUE':
      return 'SHUTOFF';
    case 'DELETED':
    case 'SOFT_DELETED':
      return 'DELETED';
    default:
      return 'ERROR';
  }
}

/**
 * A Nova server as the compute driver reports it.
 *
 * @param managementAddress - the server's address on the management network, found by network id in its interfaces
 *   (`addresses` is keyed by network name, which two networks may share); null when it has none or it was not read;
 *   undefined when no management network is configured, and the first address is the management address.
 */
export function toInstance(server: NovaServer, managementAddress: string | null | undefined): InstanceWithFault {
  const firstAddress = Object.values(server.addresses).find((addresses) => addresses.length > 0)?.[0]?.addr;
  const state = instanceStateOf(server.status);
  const amphora: ComputeInstance = {
    computeId: server.id,
    name: server.name,
    state,
    lbNetworkIp: managementAddress === undefined ? firstAddress : (managementAddress ?? undefined),
    cachedZone: server['OS-EXT-AZ:availability_zone'] ?? undefined,
    imageId: server.image ? server.image.id : undefined,
    computeFlavor: server.flavor?.id ?? server.flavor?.original_name,
    metadata: server.metadata,
  };
  return state === 'ERROR' && server.fault ? { amphora, fault: server.fault } : { amphora };
}

export function toInterface(computeId: string, attachment: NovaInterface): Interface {
  return {
    computeId,
    networkId: attachment.net_id,
    portId: attachment.port_id,
    fixedIps: attachment.fixed_ips.map((fixedIp) => ({ subnetId: fixedIp.subnet_id, ipAddress: fixedIp.ip_address })),
  };
}

export function toServerGroup(group: NovaServerGroup): ServerGroup {
  const policy = group.policies?.[0] ?? group.policy ?? 'anti-affinity';
  return { id: group.id, name: group.name, policy, memberIds: group.members };
}

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/**
 * The body of POST /servers for a validated build request. The server's metadata is our mark, `ownedMetadata(name)`,
 * which the orphan sweeper looks for.
 *
 * @param defaults - the image and flavor to use when the request names none (AMPHORA_AMP_IMAGE_ID / _FLAVOR_ID).
 * @throws ValidationError when neither the request nor the defaults give an image or a flavor.
 */
export function serverCreateBody(
  request: ValidComputeBuildRequest,
  defaults: { imageId?: string; flavorId?: string },
): Record<string, unknown> {
  const imageRef = request.imageId ?? defaults.imageId;
  const flavorRef = request.flavor ?? defaults.flavorId;
  if (!imageRef) throw new ValidationError('imageId', 'name an image, or set AMPHORA_AMP_IMAGE_ID for a default');
  if (!flavorRef) throw new ValidationError('flavor', 'name a flavor, or set AMPHORA_AMP_FLAVOR_ID for a default');
  const networks = [...request.networkIds.map((uuid) => ({ uuid })), ...request.portIds.map((port) => ({ port }))];
  const files = Object.entries(request.configDriveFiles);
  const server: Record<string, unknown> = {
    name: request.name,
    imageRef,
    flavorRef,
    // Since microversion 2.37 `networks` is required; "none" boots an instance without a NIC.
    networks: networks.length > 0 ? networks : 'none',
    metadata: ownedMetadata(request.name),
  };
  // Nova installs one key pair per server (key_name); the request schema refuses a second rather than drop it here.
  const [keyName] = request.keys;
  if (keyName) server.key_name = keyName;
  if (request.securityGroups.length > 0) server.security_groups = request.securityGroups.map((name) => ({ name }));
  if (request.userData !== undefined) server.user_data = base64(request.userData);
  if (request.availabilityZone) server.availability_zone = request.availabilityZone;
  if (files.length > 0) {
    server.config_drive = true;
    server.personality = files.map(([path, content]) => ({
      path,
      contents: typeof content === 'string' ? base64(content) : content.base64,
    }));
  }
  return {
    server,
    ...(request.serverGroupId ? { 'os:scheduler_hints': { group: request.serverGroupId } } : {}),
  };
}
