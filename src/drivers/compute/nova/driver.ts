import {
  ComputeBuildRequestSchema,
  type ComputeInstance,
  type ComputeStatus,
  type Interface,
  type ServerGroup,
} from '../../../models';
import { NotImplementedError, parseRequest, ValidationError } from '../../errors';
import { goneIsDone, mapErrors, statusOf, toComputeError, type ErrorContext } from '../../openstack/errors';
import { markRejectionsHandled } from '../../openstack/handled';
import {
  AmphoraComputeDriver,
  type AttachRequest,
  type CreateServerGroupRequest,
  type InstanceLookup,
  type InstanceWithFault,
} from '../driver';
import { ComputeDeleteError, ComputeStatusError, InstanceNotFoundError } from '../errors';
import { escapeRegExp, type NovaApi } from './api';
import { buildError, instanceNotFound, rethrowAs404 } from './errors';
import { instanceStateOf, serverCreateBody, toInstance, toInterface, toServerGroup } from './mapping';
import type { NovaServer } from './schemas';

export interface NovaComputeOptions {
  /** Image and flavor for a build request that names none (AMPHORA_AMP_IMAGE_ID / AMPHORA_AMP_FLAVOR_ID). */
  defaults?: { imageId?: string; flavorId?: string };
  /**
   * The management network (AMPHORA_MGMT_NETWORK_ID): an amphora's address on it is its `lbNetworkIp`, found in the
   * server's interfaces by network id (Nova keys `addresses` by network name, which need not be unique). `verify`
   * checks once that the network exists, and throws a ComputeError saying what to fix when it does not. Without
   * it, the first address is the management address.
   */
  managementNetwork?: { id: string; verify?: () => Promise<void> };
}

/**
 * The compute driver over Nova (API microversion 2.56, see `NOVA_MICROVERSION`). Builds are idempotent by name: a
 * build first looks for a server with exactly that name. Undo calls treat a 404 as done.
 */
export class NovaComputeDriver extends AmphoraComputeDriver {
  private managementVerified?: Promise<void>;

  constructor(
    private readonly nova: NovaApi,
    private readonly options: NovaComputeOptions = {},
  ) {
    super();
    markRejectionsHandled(this, NovaComputeDriver.prototype);
  }

  override async build(request: Parameters<AmphoraComputeDriver['build']>[0]): Promise<string> {
    const valid = parseRequest(ComputeBuildRequestSchema, request);
    if (valid.amphoraType !== 'VM') {
      throw new NotImplementedError(
        `build of a ${valid.amphoraType} amphora`,
        'the Nova driver builds VM amphorae only',
      );
    }
    const body = serverCreateBody(valid, this.options.defaults ?? {});
    return this.call({ action: `Building amphora ${valid.name}`, other: buildError(valid.name) }, async () => {
      // A retried build (say, after a lost response) finds the server the first attempt made.
      const existing = await this.findByName(valid.name);
      return existing ? existing.id : await this.nova.createServer(body);
    });
  }

  override async delete(computeId: string): Promise<void> {
    const other = (_message: string, options: object, reason: string) =>
      new ComputeDeleteError(computeId, reason, options);
    await this.call({ action: `Deleting instance ${computeId}`, other }, () =>
      goneIsDone(this.nova.deleteServer(computeId)),
    );
  }

  override async status(computeId: string): Promise<ComputeStatus> {
    const other = (_message: string, options: object, reason: string) =>
      new ComputeStatusError(computeId, reason, options);
    const lookup = { id: computeId };
    const server = await this.call(
      { action: `Reading instance ${computeId}`, notFound: instanceNotFound(lookup), other },
      () => this.nova.getServer(computeId),
    );
    return server.status === 'ACTIVE' ? 'UP' : 'DOWN';
  }

  override async getAmphora(lookup: InstanceLookup): Promise<InstanceWithFault> {
    const subject = 'id' in lookup ? lookup.id : lookup.name;
    return this.call({ action: `Reading amphora ${subject}`, notFound: instanceNotFound(lookup) }, async () => {
      const server = 'id' in lookup ? await this.nova.getServer(lookup.id) : await this.findByName(lookup.name);
      if (!server) throw new InstanceNotFoundError(lookup);
      return toInstance(server, await this.managementAddress(server));
    });
  }

  override async createServerGroup(request: CreateServerGroupRequest): Promise<ServerGroup> {
    if (!request.name) throw new ValidationError('name', 'a server group needs a name');
    return this.call({ action: `Creating server group ${request.name}` }, async () => {
      const existing = (await this.nova.listServerGroups()).find((group) => group.name === request.name);
      return toServerGroup(existing ?? (await this.nova.createServerGroup(request.name, request.policy)));
    });
  }

  override async findServerGroup(name: string): Promise<ServerGroup | undefined> {
    return this.call({ action: `Looking up server group ${name}` }, async () => {
      const found = (await this.nova.listServerGroups()).find((group) => group.name === name);
      return found ? toServerGroup(found) : undefined;
    });
  }

  override async listServerGroups(namePrefix: string): Promise<ServerGroup[]> {
    return this.call({ action: `Listing server groups named ${namePrefix}*` }, async () =>
      // Nova has no name filter for server groups: the prefix is applied here.
      (await this.nova.listServerGroups()).filter((group) => group.name.startsWith(namePrefix)).map(toServerGroup),
    );
  }

  override async deleteServerGroup(serverGroupId: string): Promise<void> {
    const other = (_message: string, options: object, reason: string) =>
      new ComputeDeleteError(serverGroupId, reason, options);
    await this.call({ action: `Deleting server group ${serverGroupId}`, other }, () =>
      goneIsDone(this.nova.deleteServerGroup(serverGroupId)),
    );
  }

  override async attachNetworkOrPort(request: AttachRequest): Promise<Interface> {
    const { computeId } = request;
    const target = 'portId' in request ? `port ${request.portId}` : `network ${request.networkId}`;
    return this.call({ action: `Attaching ${target} to instance ${computeId}` }, async () => {
      try {
        return toInterface(computeId, await this.nova.attachInterface(computeId, request));
      } catch (err) {
        const status = statusOf(err);
        // A 404 may mean the instance, the port or the network; only the first is InstanceNotFoundError.
        if (status === 404) await this.nova.getServer(computeId).catch(rethrowAs404(computeId, err));
        if (status === 409 && 'portId' in request) return this.alreadyAttached(computeId, request.portId, err);
        throw err;
      }
    });
  }

  override async detachPort(request: { computeId: string; portId: string }): Promise<void> {
    const action = `Detaching port ${request.portId} from instance ${request.computeId}`;
    await this.call({ action }, () => goneIsDone(this.nova.detachInterface(request.computeId, request.portId)));
  }

  /**
   * Lists instances by name prefix. With a management network configured, their `lbNetworkIp` is left out: it takes
   * each instance's interfaces to find it (`getAmphora` does), and a guess by network name may be wrong.
   */
  override async listInstances(namePrefix: string): Promise<ComputeInstance[]> {
    return this.call({ action: `Listing instances named ${namePrefix}*` }, async () => {
      const servers = await this.nova.listServers(`^${escapeRegExp(namePrefix)}`);
      return servers
        .filter((server) => server.name.startsWith(namePrefix))
        .map((server) => toInstance(server, this.options.managementNetwork ? null : undefined).amphora);
    });
  }

  /** The server with exactly this name; the oldest when a race made two. */
  private async findByName(name: string): Promise<NovaServer | undefined> {
    const matches = (await this.nova.listServers(`^${escapeRegExp(name)}$`)).filter((server) => server.name === name);
    return matches.sort((a, b) => (a.created ?? '').localeCompare(b.created ?? ''))[0];
  }

  /** Nova answers 409 when the port is attached already: done if to this instance, a conflict otherwise. */
  private async alreadyAttached(computeId: string, portId: string, conflict: unknown): Promise<Interface> {
    const attachment = await this.nova.getInterface(computeId, portId).catch((err: unknown) => {
      throw statusOf(err) === 404 ? conflict : err;
    });
    return toInterface(computeId, attachment);
  }

  /**
   * The server's first address on the management network, from its interfaces (which name their network by id);
   * null when it has none, or is still building (the address is read once it is up); undefined when no management
   * network is configured.
   */
  private async managementAddress(server: NovaServer): Promise<string | null | undefined> {
    const network = this.options.managementNetwork;
    if (!network) return undefined;
    await this.verifyManagementNetwork(network.verify);
    const hasAddresses = Object.values(server.addresses).some((addresses) => addresses.length > 0);
    if (!hasAddresses || instanceStateOf(server.status) === 'BUILDING') return null;
    const interfaces = await this.nova.listInterfaces(server.id);
    const management = interfaces.find((attachment) => attachment.net_id === network.id && attachment.fixed_ips[0]);
    return management?.fixed_ips[0]?.ip_address ?? null;
  }

  private verifyManagementNetwork(verify: (() => Promise<void>) | undefined): Promise<void> {
    if (!verify) return Promise.resolve();
    this.managementVerified ??= verify().catch((err: unknown) => {
      this.managementVerified = undefined; // a failed check is made again next time
      throw err;
    });
    return this.managementVerified;
  }

  private call<T>(context: ErrorContext, body: () => Promise<T>): Promise<T> {
    return mapErrors(toComputeError, context, body);
  }
}
