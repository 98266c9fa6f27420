import {
  ComputeBuildRequestSchema,
  type AmphoraType,
  type ComputeInstance,
  type ComputeStatus,
  type Interface,
  type ServerGroup,
} from '../../models';
import { NotImplementedError, parseRequest, ValidationError } from '../errors';
import type { NoopCloud } from '../noop/cloud';
import { AddressUnavailable } from '../noop/cloud';
import type { FaultInjector } from '../noop/faults';
import { withFaults } from '../noop/inject';
import type { ServerRecord } from '../noop/records';
import type { StoreTransaction } from '../noop/store';
import {
  AmphoraComputeDriver,
  type AttachRequest,
  type CreateServerGroupRequest,
  type InstanceLookup,
  type InstanceWithFault,
} from './driver';
import {
  ComputeBuildError,
  ComputeDeleteError,
  ComputeError,
  ComputeStatusError,
  InstanceNotFoundError,
} from './errors';

export interface NoopComputeOptions {
  /** How long an instance stays BUILDING before it is ACTIVE. */
  buildDelayMs: number;
  /** Simulated latency of every API call. */
  apiLatencyMs?: number;
  /** The amphora types this driver builds; others get NotImplementedError. */
  supportedTypes?: readonly AmphoraType[];
}

/**
 * A compute driver over the noop cloud: instances really exist in its state store, boot after a delay, get
 * management addresses from their network, and fail on purpose when the fault plan says so.
 */
export class NoopComputeDriver extends AmphoraComputeDriver {
  private readonly supportedTypes: readonly AmphoraType[];

  constructor(
    private readonly cloud: NoopCloud,
    private readonly faults: FaultInjector,
    private readonly options: NoopComputeOptions,
  ) {
    super();
    this.supportedTypes = options.supportedTypes ?? ['VM'];
  }

  override async build(request: Parameters<AmphoraComputeDriver['build']>[0]): Promise<string> {
    const valid = parseRequest(ComputeBuildRequestSchema, request);
    if (!this.supportedTypes.includes(valid.amphoraType)) {
      throw new NotImplementedError(
        `build of a ${valid.amphoraType} amphora`,
        `the noop compute driver builds ${this.supportedTypes.join(', ')} only`,
      );
    }
    const error = (message: string, retryable: boolean) =>
      new ComputeBuildError(valid.name, { code: 500, message }, { retryable });
    return withFaults(this.point('build', valid.name, error), (fault) =>
      this.cloud.transact((tx) => {
        const existing = this.cloud.findByName(tx, 'server', valid.name);
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
        const now = this.cloud.now();
        const server: ServerRecord = {
          computeId: this.cloud.newId(),
          name: valid.name,
          state: 'BUILDING',
          readyAt: now + this.options.buildDelayMs,
          imageId: valid.imageId,
          flavor: valid.flavor,
          availabilityZone: valid.availabilityZone ?? 'nova',
          serverGroupId: valid.serverGroupId,
          managementNetworkId: valid.networkIds[0],
          createdAt: now,
          ...(fault ? { fault: { code: 500, message: fault.rule.faultMessage } } : {}),
        };
        this.cloud.create(tx, 'server', server.computeId, server.name, server);
        this.bootPorts(tx, server, valid.networkIds, valid.portIds);
        if (server.serverGroupId) this.joinGroup(tx, server.serverGroupId, server.computeId);
        return server.computeId;
      }),
    );
  }

  override async delete(computeId: string): Promise<void> {
    const error = (message: string, retryable: boolean) => new ComputeDeleteError(computeId, message, { retryable });
    await withFaults(this.point('delete', computeId, error), () =>
      this.cloud.transact((tx) => {
        const server = tx.get('servers', computeId);
        if (!server) return;
        // As Nova does: ports it made at boot or attach go with the instance; ports handed in are only detached.
        for (const port of this.cloud.portsOf(tx, computeId)) {
          if (port.autoDelete) this.cloud.remove(tx, 'port', port.id);
          else this.cloud.update(tx, 'port', port.id, { ...port, deviceId: undefined, deviceOwner: undefined });
        }
        if (server.serverGroupId) this.leaveGroup(tx, server.serverGroupId, computeId);
        this.cloud.remove(tx, 'server', computeId);
      }),
    );
  }

  override async status(computeId: string): Promise<ComputeStatus> {
    const error = (message: string, retryable: boolean) => new ComputeStatusError(computeId, message, { retryable });
    return withFaults(this.point('status', computeId, error), () => {
      const { amphora } = this.read({ id: computeId });
      return amphora.state === 'ACTIVE' ? 'UP' : 'DOWN';
    });
  }

  override async getAmphora(lookup: InstanceLookup): Promise<InstanceWithFault> {
    const subject = 'id' in lookup ? lookup.id : lookup.name;
    return withFaults(this.point('getAmphora', subject, this.genericError), () => this.read(lookup));
  }

  override async createServerGroup(request: CreateServerGroupRequest): Promise<ServerGroup> {
    if (!request.name) throw new ValidationError('name', 'a server group needs a name');
    return withFaults(this.point('createServerGroup', request.name, this.genericError), () =>
      this.cloud.transact((tx) => {
        const existing = this.cloud.findByName(tx, 'serverGroup', request.name);
        if (existing) return existing;
        const group: ServerGroup = {
          id: this.cloud.newId(),
          name: request.name,
          policy: request.policy,
          memberIds: [],
        };
        this.cloud.create(tx, 'serverGroup', group.id, group.name, group);
        return group;
      }),
    );
  }

  override async findServerGroup(name: string): Promise<ServerGroup | undefined> {
    return withFaults(this.point('findServerGroup', name, this.genericError), () =>
      this.cloud.transact((tx) => this.cloud.findByName(tx, 'serverGroup', name)),
    );
  }

  override async listServerGroups(namePrefix: string): Promise<ServerGroup[]> {
    return withFaults(this.point('listServerGroups', namePrefix, this.genericError), () =>
      this.cloud.transact((tx) => tx.list('serverGroups').filter((group) => group.name.startsWith(namePrefix))),
    );
  }

  override async deleteServerGroup(serverGroupId: string): Promise<void> {
    const error = (message: string, retryable: boolean) =>
      new ComputeDeleteError(serverGroupId, message, { retryable });
    await withFaults(this.point('deleteServerGroup', serverGroupId, error), () =>
      this.cloud.transact((tx) => {
        this.cloud.remove(tx, 'serverGroup', serverGroupId);
      }),
    );
  }

  override async attachNetworkOrPort(request: AttachRequest): Promise<Interface> {
    return withFaults(this.point('attachNetworkOrPort', request.computeId, this.genericError), () =>
      this.cloud.transact((tx) => {
        if (!tx.get('servers', request.computeId)) throw new InstanceNotFoundError({ id: request.computeId });
        if ('portId' in request) return this.attachPort(tx, request.computeId, request.portId);
        return this.attachNetwork(tx, request.computeId, request.networkId, request.ipAddress);
      }),
    );
  }

  override async detachPort(request: { computeId: string; portId: string }): Promise<void> {
    await withFaults(this.point('detachPort', request.computeId, this.genericError), () =>
      this.cloud.transact((tx) => {
        const port = tx.get('ports', request.portId);
        if (!port || port.deviceId !== request.computeId) return;
        if (port.autoDelete) this.cloud.remove(tx, 'port', port.id);
        else this.cloud.update(tx, 'port', port.id, { ...port, deviceId: undefined, deviceOwner: undefined });
      }),
    );
  }

  override async listInstances(namePrefix: string): Promise<ComputeInstance[]> {
    return withFaults(this.point('listInstances', namePrefix, this.genericError), () =>
      this.cloud.transact((tx) =>
        tx
          .list('servers')
          .filter((server) => server.name.startsWith(namePrefix))
          .map((server) => this.toInstance(tx, server).amphora),
      ),
    );
  }

  private readonly genericError = (message: string, retryable: boolean) => new ComputeError(message, { retryable });

  private point(method: string, subject: string, error: (message: string, retryable: boolean) => Error) {
    return { faults: this.faults, method, subject, error, latencyMs: this.options.apiLatencyMs ?? 0 };
  }

  private read(lookup: InstanceLookup): InstanceWithFault {
    return this.cloud.transact((tx) => {
      const server = 'id' in lookup ? tx.get('servers', lookup.id) : this.cloud.findByName(tx, 'server', lookup.name);
      if (!server) throw new InstanceNotFoundError(lookup);
      return this.toInstance(tx, server);
    });
  }

  /** The instance as the compute service would show it now: a finished boot is ACTIVE, or ERROR with its fault. */
  private toInstance(tx: StoreTransaction, server: ServerRecord): InstanceWithFault {
    const booted = server.state === 'BUILDING' && this.cloud.now() >= server.readyAt;
    const state = booted ? (server.fault ? 'ERROR' : 'ACTIVE') : server.state;
    const managementPort = this.cloud
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
    };
    return state === 'ERROR' && server.fault ? { amphora, fault: server.fault } : { amphora };
  }

  private bootPorts(tx: StoreTransaction, server: ServerRecord, networkIds: string[], portIds: string[]): void {
    for (const networkId of networkIds) this.attachNetwork(tx, server.computeId, networkId);
    for (const portId of portIds) this.attachPort(tx, server.computeId, portId);
  }

  private attachNetwork(tx: StoreTransaction, computeId: string, networkId: string, ipAddress?: string): Interface {
    const network = tx.get('networks', networkId);
    const subnet = network?.subnetIds[0] ? tx.get('subnets', network.subnetIds[0]) : undefined;
    if (!network || !subnet) {
      throw new ComputeError(
        `Cannot attach network ${networkId} to ${computeId}: the network or its subnet does not exist`,
        { retryable: false },
      );
    }
    try {
      const port = this.cloud.createPort(
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

  private attachPort(tx: StoreTransaction, computeId: string, portId: string): Interface {
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
    this.cloud.update(tx, 'port', port.id, { ...port, deviceId: computeId, deviceOwner: 'compute:nova' });
    return { computeId, networkId: port.networkId, portId: port.id, fixedIps: port.fixedIps };
  }

  private joinGroup(tx: StoreTransaction, groupId: string, computeId: string): void {
    const group = tx.get('serverGroups', groupId);
    if (group) this.cloud.update(tx, 'serverGroup', groupId, { ...group, memberIds: [...group.memberIds, computeId] });
  }

  private leaveGroup(tx: StoreTransaction, groupId: string, computeId: string): void {
    const group = tx.get('serverGroups', groupId);
    if (group) {
      this.cloud.update(tx, 'serverGroup', groupId, {
        ...group,
        memberIds: group.memberIds.filter((id) => id !== computeId),
      });
    }
  }
}
