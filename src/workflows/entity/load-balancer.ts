import type { Context as TraceContext } from '@opentelemetry/api';
import { ApplicationFailure, setHandler, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import {
  AmphoraIdsAttribute,
  changeTreeUpdate,
  ObjectIdsAttribute,
  objectIds,
  deleteLoadBalancerUpdate,
  hasChildren,
  pendingTree,
  treeOf,
  treeViolation,
  describeFailure,
  failureDetails,
  entitySearchAttributes,
  entityWorkflowId,
  FailureTypes,
  failoverAmphoraUpdate,
  failoverLoadBalancerUpdate,
  initialRecord,
  loadBalancerQuery,
  markFailoverStoppedUpdate,
  operationSearchAttributes,
  plugNetworkUpdate,
  publicRecord,
  statusQuery,
  unplugNetworkUpdate,
  updateLoadBalancerUpdate,
  type LoadBalancerChanges,
  type LoadBalancerEntityInput,
  type LoadBalancerRecord,
  type OperationRef,
  type TreeChange,
} from '../../contracts';
import type { CreateLoadBalancerInput, ProvisioningStatus } from '../../models';
import { CHILD_RUNNERS, type PendingOperation } from './children';
import { traceContext } from './trace-context';

/** The entity's state, as it continues as new. */
export type EntityState = Extract<LoadBalancerEntityInput, { resume: unknown }>['resume'];

const now = () => new Date().toISOString();

/**
 * One load balancer's record and the handlers that change it (the samples' safe-message-handlers cluster manager):
 * mutations arrive as updates whose validators reject a PENDING_* or DELETED load balancer before anything is written
 * to history; an accepted one becomes the pending operation, which {@link LoadBalancerEntity.runPending} runs as a
 * child workflow, one at a time.
 */
export class LoadBalancerEntity {
  record: LoadBalancerRecord;
  pending?: PendingOperation;
  private operations = 0;
  private current?: OperationRef;
  private last?: OperationRef;
  private readonly createRequest?: CreateLoadBalancerInput;
  /**
   * The trace context of the request that asked for the pending operation (the update's handler, or the entity's
   * start for its create): the operation's child workflow joins that request's trace rather than the trace of the
   * create that started this long-lived entity. Not carried over continue-as-new; nothing is pending then.
   */
  private pendingTrace?: TraceContext;

  constructor(input: LoadBalancerEntityInput, startedAt: string) {
    if ('resume' in input) {
      ({ record: this.record, operations: this.operations, last: this.last } = input.resume);
    } else {
      this.createRequest = input.create;
      this.record = initialRecord(input.create, startedAt);
      this.pending = { kind: 'create' };
      this.pendingTrace = traceContext().active();
    }
  }

  /** What continue-as-new carries over. */
  get state(): EntityState {
    return { record: this.record, operations: this.operations, last: this.last };
  }

  /**
   * The memo and search attributes the next run starts with: the server carries neither over by itself, and readers
   * (the API without a worker, the list, the amphora lookup) must not see an older record while it starts.
   */
  get published() {
    const { record } = this;
    return {
      memo: { loadBalancer: publicRecord(record) },
      typedSearchAttributes: [
        ...operationSearchAttributes(
          'load-balancer',
          { loadBalancerId: record.id, projectId: record.projectId, name: record.name },
          record.provisioningStatus,
        ),
        { key: AmphoraIdsAttribute, value: record.amphorae.map((amphora) => amphora.id) },
        { key: ObjectIdsAttribute, value: objectIds(record.tree) },
      ],
    };
  }

  get deleted(): boolean {
    return this.record.provisioningStatus === 'DELETED';
  }

  /** Registers the queries and the updates. */
  listen(): void {
    setHandler(loadBalancerQuery, () => ({ record: this.record, current: this.current, last: this.last }));
    // The sweeper and the CLI ask every workflow about a load balancer for its status and the amphorae it holds.
    setHandler(statusQuery, () => ({
      operation: 'load-balancer' as const,
      loadBalancerId: this.record.id,
      provisioningStatus: this.record.provisioningStatus,
      operatingStatus: this.record.operatingStatus,
      currentStep: this.current ? `${this.current.kind} (${this.current.workflowId})` : undefined,
      steps: [],
      amphorae: this.record.amphorae,
      vip: this.record.vip,
      leaked: [],
    }));
    const mutable = { validator: (..._args: unknown[]) => this.assertMutable() };
    setHandler(updateLoadBalancerUpdate, (changes: LoadBalancerChanges) => this.applyChanges(changes), mutable);
    setHandler(deleteLoadBalancerUpdate, () => this.accept({ kind: 'delete' }, 'PENDING_DELETE'), {
      validator: ({ cascade }) => {
        this.assertMutable();
        // Octavia's rule: children go only with cascade (the delete then removes the whole tree with the amphorae).
        if (!cascade && hasChildren(treeOf(this.record))) {
          throw ApplicationFailure.create({
            type: FailureTypes.validation,
            nonRetryable: true,
            message: `Cannot delete Load Balancer ${this.record.id} - it has children; delete them first, or delete with cascade=true.`,
            details: [{ field: 'cascade' }],
          });
        }
      },
    });
    setHandler(changeTreeUpdate, (change: TreeChange) => this.changeTree(change), {
      validator: (change: TreeChange) => {
        this.assertMutable();
        const violation = treeViolation(treeOf(this.record), change);
        if (violation) {
          throw ApplicationFailure.create({
            type: FailureTypes[violation.reason],
            nonRetryable: true,
            message: violation.message,
            details: violation.field ? [{ field: violation.field }] : undefined,
          });
        }
      },
    });
    setHandler(failoverLoadBalancerUpdate, () => this.accept({ kind: 'failover' }, 'PENDING_UPDATE'), {
      validator: () => {
        this.assertMutable();
        if (this.record.amphorae.length === 0) {
          throw ApplicationFailure.nonRetryable(
            `Load balancer ${this.record.id} has no amphorae to fail over`,
            FailureTypes.conflict,
          );
        }
      },
    });
    setHandler(
      failoverAmphoraUpdate,
      ({ amphoraId }) => this.accept({ kind: 'failover-amphora', amphoraId }, 'PENDING_UPDATE'),
      {
        validator: ({ amphoraId }) => {
          this.assertMutable();
          const amphora = this.record.amphorae.find((known) => known.id === amphoraId);
          if (!amphora) {
            throw ApplicationFailure.nonRetryable(`Amphora ${amphoraId} could not be found.`, FailureTypes.notFound);
          }
          if (amphora.status === 'PENDING_DELETE') {
            throw ApplicationFailure.nonRetryable(
              `Amphora ${amphoraId} was replaced and is waiting to be removed; deleting load balancer ${this.record.id} removes it.`,
              FailureTypes.conflict,
            );
          }
        },
      },
    );
    // The health manager's breaker: only the amphorae's status changes, nothing runs.
    setHandler(markFailoverStoppedUpdate, ({ amphoraIds, stopped }) => this.markFailoverStopped(amphoraIds, stopped), {
      validator: ({ amphoraIds }: { amphoraIds: string[] }) => {
        this.assertMutable();
        const missing = amphoraIds.filter((id) => !this.record.amphorae.some((amphora) => amphora.id === id));
        if (missing.length > 0) {
          throw ApplicationFailure.nonRetryable(
            `Amphora ${missing.join(', ')} could not be found.`,
            FailureTypes.notFound,
          );
        }
      },
    });
    setHandler(
      plugNetworkUpdate,
      ({ networkId }) => this.accept({ kind: 'plug-network', networkId }, 'PENDING_UPDATE'),
      mutable,
    );
    setHandler(
      unplugNetworkUpdate,
      ({ networkId }) => this.accept({ kind: 'unplug-network', networkId }, 'PENDING_UPDATE'),
      mutable,
    );
  }

  /** Runs the pending operation as a child workflow and folds its outcome into the record. */
  async runPending(): Promise<void> {
    const operation = this.pending;
    if (!operation) return;
    this.operations += 1;
    // From the load balancer's id, not the run's: the same on replay, whatever runs it.
    const workflowId = `${entityWorkflowId(this.record.id)}-${this.operations}-${operation.kind}`;
    this.current = { kind: operation.kind, workflowId, startedAt: now() };
    try {
      const runner = CHILD_RUNNERS[operation.kind];
      await traceContext().with(this.pendingTrace ?? traceContext().active(), () =>
        runner(operation, {
          record: () => this.record,
          workflowId,
          createRequest: this.createRequest,
          onChild: (childId) => {
            if (this.current) this.current = { ...this.current, workflowId: childId };
          },
          onRecord: (changes) => {
            this.record = { ...this.record, ...changes };
          },
        }),
      );
      this.current = { ...this.current, outcome: 'succeeded', endedAt: now() };
    } catch (err) {
      const { message } = describeFailure(err);
      const left = failureDetails(err)?.amphorae;
      // A failed create was rolled back: nothing of it is left to describe. An operation that stopped part way
      // forward says which amphorae exist now (a failover's serving replacement, the old one it could not remove).
      if (left) this.record = { ...this.record, amphorae: left };
      else if (operation.kind === 'create') {
        this.record = { ...this.record, amphorae: [], vip: undefined, serverGroupId: undefined };
      }
      // A configuration change that was rolled back cleanly left every amphora as it was: only its objects failed.
      const restored = operation.kind === 'configure' && failureDetails(err)?.leaked.length === 0;
      this.record = restored
        ? { ...this.record, provisioningStatus: 'ACTIVE' }
        : { ...this.record, provisioningStatus: 'ERROR', operatingStatus: 'ERROR' };
      this.current = { ...this.current, outcome: 'failed', error: message, endedAt: now() };
    }
    this.record = { ...this.record, updatedAt: now() };
    this.last = this.current;
    this.current = undefined;
    this.pending = undefined;
    this.pendingTrace = undefined;
    this.publish();
  }

  /** Replaces whatever was accepted and not yet started with a delete (the entity was cancelled). */
  acceptDelete(): void {
    this.pending = undefined;
    this.accept({ kind: 'delete' }, 'PENDING_DELETE');
  }

  private assertMutable(): void {
    if (this.deleted) {
      throw ApplicationFailure.nonRetryable(
        `Load Balancer ${this.record.id} could not be found.`,
        FailureTypes.notFound,
      );
    }
    if (this.record.provisioningStatus.startsWith('PENDING_') || this.pending) {
      throw ApplicationFailure.nonRetryable(
        `Invalid state ${this.record.provisioningStatus} of loadbalancer resource ${this.record.id}`,
        FailureTypes.conflict,
      );
    }
  }

  private accept(next: PendingOperation, status: ProvisioningStatus): LoadBalancerRecord {
    this.pending = next;
    this.pendingTrace = traceContext().active();
    this.record = { ...this.record, provisioningStatus: status, updatedAt: now() };
    this.publish();
    return this.record;
  }

  private changeTree(change: TreeChange): LoadBalancerRecord {
    const previousTree = treeOf(this.record);
    this.record = { ...this.record, tree: pendingTree(previousTree, change, now()) };
    return this.accept({ kind: 'configure', change, previousTree }, 'PENDING_UPDATE');
  }

  /** FAILOVER_STOPPED for serving amphorae (`stopped`), or back to ALLOCATED for stopped ones heard again. */
  private markFailoverStopped(amphoraIds: string[], stopped: boolean): LoadBalancerRecord {
    const [from, to] = stopped
      ? (['ALLOCATED', 'FAILOVER_STOPPED'] as const)
      : (['FAILOVER_STOPPED', 'ALLOCATED'] as const);
    this.record = {
      ...this.record,
      amphorae: this.record.amphorae.map((amphora) =>
        amphoraIds.includes(amphora.id) && amphora.status === from ? { ...amphora, status: to } : amphora,
      ),
      updatedAt: now(),
    };
    this.publish();
    return this.record;
  }

  private applyChanges(changes: LoadBalancerChanges): LoadBalancerRecord {
    // Field by field: an update's payload is not trusted to carry only these.
    const { name, description, adminStateUp, tags } = changes;
    this.record = {
      ...this.record,
      ...(name !== undefined ? { name } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(adminStateUp !== undefined ? { adminStateUp } : {}),
      ...(tags !== undefined ? { tags } : {}),
      updatedAt: now(),
    };
    this.publish();
    return this.record;
  }

  private publish(): void {
    upsertSearchAttributes(entitySearchAttributes(this.record));
    upsertMemo({ loadBalancer: publicRecord(this.record) });
  }
}
