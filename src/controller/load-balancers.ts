import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { readHealthManager, type HealthManagerView } from './health/manager-status';
import { ApplicationFailure } from '@temporalio/common';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { CreateLoadBalancerInputSchema, describeZodError, type Amphora, type CreateLoadBalancerInput } from '../models';
import {
  AmphoraIdsAttribute,
  changeTreeUpdate,
  deleteLoadBalancerUpdate,
  entityWorkflowId,
  FailureTypes,
  initialRecord,
  operationSearchAttributes,
  publicRecord,
  failoverAmphoraUpdate,
  failoverLoadBalancerUpdate,
  loadBalancerQuery,
  ObjectIdsAttribute,
  plugNetworkUpdate,
  unplugNetworkUpdate,
  updateLoadBalancerUpdate,
  type LoadBalancerChanges,
  type LoadBalancerRecord,
  type LoadBalancerView,
  type TreeChange,
  LONG_LIVED_VERSIONING,
} from '../contracts';
import { loadBalancerEntity } from '../workflows/load-balancer-entity';
import { isDeadline } from './deadline';
import { ConflictError, InputError, NotFoundError, UnavailableError } from './errors';

/** A load balancer as clients see it: without the build template (user data, config-drive files) the entity keeps. */
export type PublicLoadBalancer = ReturnType<typeof publicRecord>;

/** A load balancer with its current and last operation, as clients see it. */
export type PublicLoadBalancerView = Omit<LoadBalancerView, 'record'> & { record: PublicLoadBalancer };

/**
 * A load balancer as its entity last published it (the memo), read without a worker. `behindMs` is how long work has
 * been waiting for the entity (a workflow task no worker took yet): 0 when the record is current.
 */
export interface PublishedLoadBalancer {
  record: PublicLoadBalancer;
  behindMs: number;
}

/** How the controller talks to entities, besides where they run. */
export interface ControllerOptions {
  /** Passed to new entities: continue as new past this many history events. */
  historyLimit?: number;
  /** How long a change waits for a worker to answer before it is refused (nothing changed). Default 3 s. */
  workerWaitMs?: number;
}

/** A change, once a worker answered, may take this many probes' time to be confirmed before it counts as lost. */
const CONFIRM_WAITS = 5;

/** When to try again after no worker answered: about what a worker's restart takes. */
const RETRY_AFTER_SECONDS = 30;

export interface ListFilters {
  projectId?: string;
  name?: string;
  provisioningStatus?: string;
}

/** An id that can go into a visibility query as it is: nothing to quote, nothing to escape. */
const PLAIN_ID = /^[A-Za-z0-9_.:-]{1,255}$/;

/**
 * The controller's view of load balancers: each is one entity workflow (`loadbalancer-<id>`) that holds its record.
 * Every method returns as soon as Temporal accepted the request; operations go on in the background and are watched
 * through the entity's `current` operation.
 */
export class LoadBalancerController {
  private readonly historyLimit?: number;
  private readonly workerWaitMs: number;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    options: ControllerOptions = {},
  ) {
    this.historyLimit = options.historyLimit;
    this.workerWaitMs = options.workerWaitMs ?? 3_000;
  }

  /**
   * Starts creating a load balancer.
   *
   * @returns its record, PENDING_CREATE.
   * @throws InputError naming the first bad field (nothing is started); ConflictError if the id exists.
   */
  async create(request: CreateLoadBalancerInput): Promise<PublicLoadBalancer> {
    const parsed = CreateLoadBalancerInputSchema.safeParse(request);
    if (!parsed.success) {
      const { field, constraint } = describeZodError(parsed.error);
      throw new InputError(field, constraint);
    }
    const record = initialRecord(request, new Date().toISOString());
    try {
      await this.client.workflow.start(loadBalancerEntity, {
        taskQueue: this.taskQueue,
        workflowId: entityWorkflowId(request.loadBalancerId),
        args: [{ create: request, historyLimit: this.historyLimit }],
        typedSearchAttributes: [
          ...operationSearchAttributes('load-balancer', request),
          { key: AmphoraIdsAttribute, value: [] },
          { key: ObjectIdsAttribute, value: [] },
        ],
        memo: { loadBalancer: publicRecord(record) },
        versioningOverride: LONG_LIVED_VERSIONING,
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        throw new ConflictError(`Load balancer ${request.loadBalancerId} already exists`, { cause: err });
      }
      throw err;
    }
    return publicRecord(record);
  }

  /**
   * The load balancer with its current and last operation, or undefined when it does not exist, was deleted, or its
   * entity is closed.
   */
  async get(loadBalancerId: string): Promise<PublicLoadBalancerView | undefined> {
    try {
      const handle = this.entity(loadBalancerId);
      const [view, description] = await Promise.all([handle.query(loadBalancerQuery), handle.describe()]);
      // A closed entity holds nothing any more (terminated by hand: the sweeper collects what it had), whatever its
      // last record says; the list, which shows running entities only, agrees.
      if (description.status.name !== 'RUNNING') return undefined;
      return view.record.provisioningStatus === 'DELETED' ? undefined : { ...view, record: publicRecord(view.record) };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /**
   * The load balancer as its entity last published it, from the server alone: it answers while no worker runs. Undefined
   * when it does not exist, was deleted, or its entity is closed.
   */
  async read(loadBalancerId: string): Promise<PublishedLoadBalancer | undefined> {
    try {
      const description = await this.entity(loadBalancerId).describe();
      if (description.status.name !== 'RUNNING') return undefined;
      const record = description.memo?.loadBalancer as PublicLoadBalancer | undefined;
      if (!record || record.provisioningStatus === 'DELETED') return undefined;
      const waiting = description.raw.pendingWorkflowTask;
      const since = optionalTsToMs(waiting?.originalScheduledTime ?? waiting?.scheduledTime);
      return { record, behindMs: since === undefined ? 0 : Math.max(0, Date.now() - since) };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /** Like {@link LoadBalancerController.read}, but a missing load balancer is a NotFoundError. */
  async requirePublished(loadBalancerId: string): Promise<PublishedLoadBalancer> {
    const published = await this.read(loadBalancerId);
    if (!published) throw new NotFoundError(`Load Balancer ${loadBalancerId} could not be found.`);
    return published;
  }

  /**
   * The load balancer for display: as last published, with its current and last operation when a worker answers
   * within the wait (they live in the entity, which only a worker can ask). `answered` says which.
   *
   * @throws NotFoundError when it does not exist.
   */
  async show(loadBalancerId: string): Promise<PublicLoadBalancerView & { answered: boolean }> {
    const published = await this.requirePublished(loadBalancerId);
    const deadline = Date.now() + this.workerWaitMs;
    try {
      const view = await this.client.connection.withDeadline(deadline, () =>
        this.entity(loadBalancerId).query(loadBalancerQuery),
      );
      return { ...view, record: publicRecord(view.record), answered: true };
    } catch (err) {
      if (!isDeadline(err, deadline)) throw translateRejection(err, loadBalancerId);
      return { record: published.record, answered: false };
    }
  }

  /** Whether a read is older than a worker would let it be: work has waited longer than a change would. */
  isStale(published: PublishedLoadBalancer): boolean {
    return published.behindMs >= this.workerWaitMs;
  }

  /** Like {@link LoadBalancerController.get}, but a missing load balancer is a NotFoundError. */
  async require(loadBalancerId: string): Promise<PublicLoadBalancerView> {
    const view = await this.get(loadBalancerId);
    if (!view) throw new NotFoundError(`Load Balancer ${loadBalancerId} could not be found.`);
    return view;
  }

  /**
   * Live load balancers matching the filters exactly, from visibility (eventually consistent by milliseconds). Only a
   * plain project id goes into the visibility query; every filter is then compared in memory, value for value, so a
   * value with quotes, NULs or query syntax matches itself and nothing else (and cannot break the query).
   */
  async list(filters: ListFilters = {}): Promise<PublicLoadBalancer[]> {
    const clauses = [`WorkflowType = 'loadBalancerEntity'`, `ExecutionStatus = 'Running'`];
    if (filters.projectId !== undefined && PLAIN_ID.test(filters.projectId)) {
      clauses.push(`ProjectId = "${filters.projectId}"`);
    }
    const found: PublicLoadBalancer[] = [];
    for await (const execution of this.client.workflow.list({ query: clauses.join(' AND ') })) {
      const record = execution.memo?.loadBalancer as PublicLoadBalancer | undefined;
      if (!record || record.provisioningStatus === 'DELETED') continue;
      if (filters.projectId !== undefined && record.projectId !== filters.projectId) continue;
      if (filters.name !== undefined && record.name !== filters.name) continue;
      if (filters.provisioningStatus !== undefined && record.provisioningStatus !== filters.provisioningStatus)
        continue;
      found.push(record);
    }
    return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  update(loadBalancerId: string, changes: LoadBalancerChanges): Promise<PublicLoadBalancer> {
    return this.mutate(loadBalancerId, (handle) => handle.executeUpdate(updateLoadBalancerUpdate, { args: [changes] }));
  }

  delete(loadBalancerId: string, cascade = false): Promise<PublicLoadBalancer> {
    return this.mutate(loadBalancerId, (handle) =>
      handle.executeUpdate(deleteLoadBalancerUpdate, { args: [{ cascade }] }),
    );
  }

  failover(loadBalancerId: string): Promise<PublicLoadBalancer> {
    return this.mutate(loadBalancerId, (handle) => handle.executeUpdate(failoverLoadBalancerUpdate, { args: [] }));
  }

  plugNetwork(loadBalancerId: string, networkId: string): Promise<PublicLoadBalancer> {
    return this.mutate(loadBalancerId, (handle) => handle.executeUpdate(plugNetworkUpdate, { args: [{ networkId }] }));
  }

  unplugNetwork(loadBalancerId: string, networkId: string): Promise<PublicLoadBalancer> {
    return this.mutate(loadBalancerId, (handle) =>
      handle.executeUpdate(unplugNetworkUpdate, { args: [{ networkId }] }),
    );
  }

  /**
   * Changes the objects behind the load balancer's VIP. The entity checks the change against its tree (404 for an
   * object it does not hold, 409 for a duplicate, 400 for a mismatch) before anything is written.
   *
   * @returns the record with the tree as it is while the change is pushed (the changed objects PENDING_*).
   */
  changeTree(loadBalancerId: string, change: TreeChange): Promise<PublicLoadBalancer> {
    return this.mutate(loadBalancerId, (handle) => handle.executeUpdate(changeTreeUpdate, { args: [change] }));
  }

  /** Fails over one amphora of whichever load balancer holds it. */
  async failoverAmphora(amphoraId: string): Promise<PublicLoadBalancer> {
    const { loadBalancer } = await this.requireAmphora(amphoraId);
    return this.mutate(loadBalancer.id, (handle) =>
      handle.executeUpdate(failoverAmphoraUpdate, { args: [{ amphoraId }] }),
    );
  }

  /** The health manager of this controller's task queue: its breaker, settings and latest actions. */
  healthManager(): Promise<HealthManagerView> {
    return readHealthManager(this.client, this.taskQueue);
  }

  /**
   * The amphorae the health manager of this controller's task queue left FAILOVER_STOPPED, with their load balancers
   * (from visibility: a stop may take milliseconds to show).
   */
  async failoverStoppedAmphorae(): Promise<(Amphora & { loadBalancerId: string })[]> {
    const query = `WorkflowType = 'loadBalancerEntity' AND ExecutionStatus = 'Running' AND TaskQueue = '${this.taskQueue}'`;
    const found: (Amphora & { loadBalancerId: string })[] = [];
    if (!PLAIN_ID.test(this.taskQueue)) return found;
    for await (const execution of this.client.workflow.list({ query })) {
      const record = execution.memo?.loadBalancer as PublicLoadBalancer | undefined;
      for (const amphora of record?.amphorae ?? []) {
        if (amphora.status === 'FAILOVER_STOPPED') found.push({ ...amphora, loadBalancerId: record?.id ?? '' });
      }
    }
    return found;
  }

  /** Amphorae of every live load balancer, or of one. */
  async listAmphorae(loadBalancerId?: string): Promise<Amphora[]> {
    if (loadBalancerId) return (await this.get(loadBalancerId))?.record.amphorae ?? [];
    return (await this.list()).flatMap((lb) => lb.amphorae);
  }

  /**
   * An amphora and its load balancer as last published (no worker needed); the AmphoraIds search attribute finds the
   * load balancer.
   */
  async requireAmphora(amphoraId: string): Promise<{ amphora: Amphora; loadBalancer: PublicLoadBalancer }> {
    if (!PLAIN_ID.test(amphoraId)) throw new NotFoundError(`Amphora ${amphoraId} could not be found.`);
    const query = `WorkflowType = 'loadBalancerEntity' AND ExecutionStatus = 'Running' AND AmphoraIds = "${amphoraId}"`;
    for await (const execution of this.client.workflow.list({ query })) {
      const id = (execution.memo?.loadBalancer as PublicLoadBalancer | undefined)?.id;
      const view = id ? await this.read(id) : undefined;
      const amphora = view?.record.amphorae.find((candidate) => candidate.id === amphoraId);
      if (view && amphora) return { amphora, loadBalancer: view.record };
    }
    throw new NotFoundError(`Amphora ${amphoraId} could not be found.`);
  }

  /**
   * The load balancers whose ObjectIds search attribute lists a listener, pool, health monitor or L7 policy id (from
   * visibility: it may lag a change by milliseconds).
   */
  async holdersOf(objectId: string): Promise<string[]> {
    if (!PLAIN_ID.test(objectId)) return [];
    const query = `WorkflowType = 'loadBalancerEntity' AND ExecutionStatus = 'Running' AND ${ObjectIdsAttribute.name} = "${objectId}"`;
    const found: string[] = [];
    for await (const execution of this.client.workflow.list({ query })) {
      const id = (execution.memo?.loadBalancer as PublicLoadBalancer | undefined)?.id;
      if (id) found.push(id);
    }
    return found;
  }

  /** A handle on a workflow by id: an entity or one of its operations (for watching). */
  handle(workflowId: string): WorkflowHandle {
    return this.client.workflow.getHandle(workflowId);
  }

  private entity(loadBalancerId: string): WorkflowHandle<typeof loadBalancerEntity> {
    return this.client.workflow.getHandle<typeof loadBalancerEntity>(entityWorkflowId(loadBalancerId));
  }

  /**
   * Sends a change to the entity once a worker has answered for it: an update sent while no worker runs would wait in
   * the server and run whenever one returns, long after the caller gave up. A worker that vanishes between the probe
   * and the update leaves the change waiting; the error then says it may still run.
   */
  private async mutate(
    loadBalancerId: string,
    call: (handle: WorkflowHandle<typeof loadBalancerEntity>) => Promise<LoadBalancerRecord>,
  ): Promise<PublicLoadBalancer> {
    const handle = this.entity(loadBalancerId);
    const retryAfter = RETRY_AFTER_SECONDS;
    const probeDeadline = Date.now() + this.workerWaitMs;
    try {
      await this.client.connection.withDeadline(probeDeadline, () => handle.query(loadBalancerQuery));
    } catch (err) {
      if (!isDeadline(err, probeDeadline)) throw translateRejection(err, loadBalancerId);
      throw new UnavailableError(
        `No worker answered for load balancer ${loadBalancerId} within ${seconds(this.workerWaitMs)} s (none may be ` +
          `running: a deploy or a crash); nothing was changed. Retry in ${retryAfter} s.`,
        retryAfter,
        { cause: err },
      );
    }
    const deadline = Date.now() + this.workerWaitMs * CONFIRM_WAITS;
    try {
      return publicRecord(await this.client.connection.withDeadline(deadline, () => call(handle)));
    } catch (err) {
      if (!isDeadline(err, deadline)) throw translateRejection(err, loadBalancerId);
      throw new UnavailableError(
        `Load balancer ${loadBalancerId}'s worker did not confirm the change within ` +
          `${seconds(this.workerWaitMs * CONFIRM_WAITS)} s; it may still run when a worker takes it. Check the load ` +
          `balancer's status before you retry.`,
        retryAfter,
        { cause: err },
      );
    }
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1);
}

/** Turns an update's rejection, or a finished entity, into the controller's errors. */
function translateRejection(err: unknown, loadBalancerId: string): unknown {
  if (err instanceof WorkflowNotFoundError) {
    return new NotFoundError(`Load Balancer ${loadBalancerId} could not be found.`, { cause: err });
  }
  const failure = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  if (failure instanceof ApplicationFailure) {
    if (failure.type === FailureTypes.conflict) return new ConflictError(failure.message, { cause: err });
    if (failure.type === FailureTypes.notFound) return new NotFoundError(failure.message, { cause: err });
    if (failure.type === FailureTypes.validation) {
      const detail = failure.details?.[0] as { field?: unknown } | undefined;
      const field = typeof detail?.field === 'string' ? detail.field : 'request';
      return new InputError(field, failure.message);
    }
  }
  // An update sent to an entity that has just completed (its load balancer deleted) is refused by the server.
  if (err instanceof Error && /workflow execution already completed/i.test(err.message)) {
    return new NotFoundError(`Load Balancer ${loadBalancerId} could not be found.`, { cause: err });
  }
  return err;
}
