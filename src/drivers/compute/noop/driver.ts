/** The noop compute driver: the compute API over the noop cloud, each call under the fault plan. */
import {
  ComputeBuildRequestSchema,
  type AmphoraType,
  type ComputeInstance,
  type ComputeStatus,
  type Interface,
  type ServerGroup,
} from '../../../models';
import { NotImplementedError, parseRequest, ValidationError } from '../../errors';
import type { NoopCloud } from '../../noop/cloud';
import type { FaultInjector } from '../../noop/faults';
import { withFaults } from '../../noop/inject';
import {
  AmphoraComputeDriver,
  type AttachRequest,
  type CreateServerGroupRequest,
  type InstanceLookup,
  type InstanceWithFault,
} from '../driver';
import { ComputeBuildError, ComputeDeleteError, ComputeError, ComputeStatusError } from '../errors';
import { attachNetworkOrPort, detachPort } from './attachments';
import { readInstance, toInstance } from './instances';
import { createServerGroup } from './server-groups';
import { createServer, deleteServer } from './servers';

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
      this.cloud.transact((tx) => createServer(this.cloud, tx, valid, this.options.buildDelayMs, fault)),
    );
  }

  override async delete(computeId: string): Promise<void> {
    const error = (message: string, retryable: boolean) => new ComputeDeleteError(computeId, message, { retryable });
    await withFaults(this.point('delete', computeId, error), () =>
      this.cloud.transact((tx) => deleteServer(this.cloud, tx, computeId)),
    );
  }

  override async status(computeId: string): Promise<ComputeStatus> {
    const error = (message: string, retryable: boolean) => new ComputeStatusError(computeId, message, { retryable });
    return withFaults(this.point('status', computeId, error), () => {
      const { amphora } = readInstance(this.cloud, { id: computeId });
      return amphora.state === 'ACTIVE' ? 'UP' : 'DOWN';
    });
  }

  override async getAmphora(lookup: InstanceLookup): Promise<InstanceWithFault> {
    const subject = 'id' in lookup ? lookup.id : lookup.name;
    return withFaults(this.point('getAmphora', subject, this.genericError), () => readInstance(this.cloud, lookup));
  }

  override async createServerGroup(request: CreateServerGroupRequest): Promise<ServerGroup> {
    if (!request.name) throw new ValidationError('name', 'a server group needs a name');
    return withFaults(this.point('createServerGroup', request.name, this.genericError), () =>
      this.cloud.transact((tx) => createServerGroup(this.cloud, tx, request)),
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
      this.cloud.transact((tx) => attachNetworkOrPort(this.cloud, tx, request)),
    );
  }

  override async detachPort(request: { computeId: string; portId: string }): Promise<void> {
    await withFaults(this.point('detachPort', request.computeId, this.genericError), () =>
      this.cloud.transact((tx) => detachPort(this.cloud, tx, request)),
    );
  }

  override async listInstances(namePrefix: string): Promise<ComputeInstance[]> {
    return withFaults(this.point('listInstances', namePrefix, this.genericError), () =>
      this.cloud.transact((tx) =>
        tx
          .list('servers')
          .filter((server) => server.name.startsWith(namePrefix))
          .map((server) => toInstance(this.cloud, tx, server).amphora),
      ),
    );
  }

  private readonly genericError = (message: string, retryable: boolean) => new ComputeError(message, { retryable });

  private point(method: string, subject: string, error: (message: string, retryable: boolean) => Error) {
    return { faults: this.faults, method, subject, error, latencyMs: this.options.apiLatencyMs ?? 0 };
  }
}
