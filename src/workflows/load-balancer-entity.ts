import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  executeChild,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ProvisioningStatus } from '../models';
import { createLoadBalancer } from './create-load-balancer';
import { deleteLoadBalancer } from './delete-load-balancer';
import {
  deleteLoadBalancerUpdate,
  entityWorkflowId,
  EntityRejections,
  failoverAmphoraUpdate,
  failoverLoadBalancerUpdate,
  loadBalancerQuery,
  plugNetworkUpdate,
  unplugNetworkUpdate,
  updateLoadBalancerUpdate,
  type LoadBalancerChanges,
  type LoadBalancerEntityInput,
  type LoadBalancerRecord,
  type OperationKind,
  type OperationRef,
} from './entity-types';
import { failoverAmphora } from './failover-amphora';
import { describeFailure, FailureTypes } from './failures';
import { plugMemberNetwork, unplugMemberNetwork } from './member-network';
import { statusQuery } from './progress';
import { initialRecord, publicRecord, startAttributes } from './entity-record';
import { AmphoraIdsAttribute, LoadBalancerNameAttribute, ProvisioningStatusAttribute } from './search-attributes';

/** Continue as new well before a history gets heavy; the record is all the state there is. */
const DEFAULT_HISTORY_LIMIT = 5_000;

type Pending = { kind: OperationKind; amphoraId?: string; networkId?: string };

/**
 * One load balancer, for as long as it exists: holds its record (no second database), accepts mutations as updates
 * and runs each as a child workflow, one at a time. While an operation runs the load balancer is PENDING_* and every
 * other mutation is rejected as a conflict before anything starts. History stays bounded: the entity continues as new
 * when Temporal suggests it. It ends when the load balancer is deleted, returning the DELETED record.
 */
export async function loadBalancerEntity(input: LoadBalancerEntityInput): Promise<LoadBalancerRecord> {
  // Checked before anything reads the input: a malformed one must fail the workflow once, not crash its task forever.
  if (!input || typeof input !== 'object' || !('create' in input || 'resume' in input)) {
    throw ApplicationFailure.create({
      type: FailureTypes.validation,
      nonRetryable: true,
      message:
        'Invalid loadBalancerEntity request: (request): expected { create: <createLoadBalancer input> } or { resume: <entity state> }. Nothing was created; start it through the controller.',
    });
  }
  let record: LoadBalancerRecord;
  let operations = 0;
  let last: OperationRef | undefined;
  let current: OperationRef | undefined;
  let pending: Pending | undefined;
  const createRequest = 'create' in input ? input.create : undefined;
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const tooLong = () => workflowInfo().historyLength > historyLimit;
  if ('resume' in input) {
    ({ record, operations, last } = input.resume);
  } else {
    record = initialRecord(input.create, workflowInfo().startTime.toISOString());
    pending = { kind: 'create' };
  }

  const setStatus = (status: ProvisioningStatus, operating = record.operatingStatus) => {
    record = { ...record, provisioningStatus: status, operatingStatus: operating, updatedAt: new Date().toISOString() };
    publish();
  };
  const publish = () => {
    upsertSearchAttributes([
      { key: ProvisioningStatusAttribute, value: record.provisioningStatus },
      { key: LoadBalancerNameAttribute, value: record.name },
      { key: AmphoraIdsAttribute, value: record.amphorae.map((amphora) => amphora.id) },
    ]);
    upsertMemo({ loadBalancer: publicRecord(record) });
  };

  setHandler(loadBalancerQuery, () => ({ record, current, last }));
  // The sweeper and the CLI ask every workflow about a load balancer for its status and the amphorae it holds.
  setHandler(statusQuery, () => ({
    operation: 'load-balancer' as const,
    loadBalancerId: record.id,
    provisioningStatus: record.provisioningStatus,
    operatingStatus: record.operatingStatus,
    currentStep: current ? `${current.kind} (${current.workflowId})` : undefined,
    steps: [],
    amphorae: record.amphorae,
    vip: record.vip,
    leaked: [],
  }));

  const mutable = () => {
    if (record.provisioningStatus === 'DELETED') {
      throw ApplicationFailure.nonRetryable(
        `Load Balancer ${record.id} could not be found.`,
        EntityRejections.notFound,
      );
    }
    if (record.provisioningStatus.startsWith('PENDING_') || pending) {
      throw ApplicationFailure.nonRetryable(
        `Invalid state ${record.provisioningStatus} of loadbalancer resource ${record.id}`,
        EntityRejections.conflict,
      );
    }
  };
  const begin = (next: Pending, status: ProvisioningStatus) => {
    pending = next;
    setStatus(status);
    return record;
  };

  setHandler(updateLoadBalancerUpdate, (changes: LoadBalancerChanges) => applyChanges(changes), {
    validator: (_changes: LoadBalancerChanges) => mutable(),
  });
  setHandler(
    deleteLoadBalancerUpdate,
    (_options: { cascade: boolean }) => begin({ kind: 'delete' }, 'PENDING_DELETE'),
    {
      validator: (_options: { cascade: boolean }) => mutable(),
    },
  );
  setHandler(failoverLoadBalancerUpdate, () => begin({ kind: 'failover' }, 'PENDING_UPDATE'), {
    validator: () => {
      mutable();
      if (record.amphorae.length === 0) {
        throw ApplicationFailure.nonRetryable(
          `Load balancer ${record.id} has no amphorae to fail over`,
          EntityRejections.conflict,
        );
      }
    },
  });
  setHandler(
    failoverAmphoraUpdate,
    ({ amphoraId }) => begin({ kind: 'failover-amphora', amphoraId }, 'PENDING_UPDATE'),
    {
      validator: ({ amphoraId }) => {
        mutable();
        if (!record.amphorae.some((amphora) => amphora.id === amphoraId)) {
          throw ApplicationFailure.nonRetryable(`Amphora ${amphoraId} could not be found.`, EntityRejections.notFound);
        }
      },
    },
  );
  setHandler(plugNetworkUpdate, ({ networkId }) => begin({ kind: 'plug-network', networkId }, 'PENDING_UPDATE'), {
    validator: (_request: { networkId: string }) => mutable(),
  });
  setHandler(unplugNetworkUpdate, ({ networkId }) => begin({ kind: 'unplug-network', networkId }, 'PENDING_UPDATE'), {
    validator: (_request: { networkId: string }) => mutable(),
  });

  function applyChanges(changes: LoadBalancerChanges): LoadBalancerRecord {
    record = {
      ...record,
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.adminStateUp !== undefined ? { adminStateUp: changes.adminStateUp } : {}),
      ...(changes.tags !== undefined ? { tags: changes.tags } : {}),
      updatedAt: new Date().toISOString(),
    };
    publish();
    return record;
  }

  /** Runs one operation as a child workflow and folds its outcome into the record. */
  async function run(operation: Pending): Promise<void> {
    operations += 1;
    // From the load balancer's id, not the run's: the same on replay, whatever runs it.
    const workflowId = `${entityWorkflowId(record.id)}-${operations}-${operation.kind}`;
    current = { kind: operation.kind, workflowId, startedAt: new Date().toISOString() };
    const timing = record.timing;
    const options = (kind: Parameters<typeof startAttributes>[1]) => ({
      workflowId,
      typedSearchAttributes: startAttributes(record, kind),
    });
    try {
      if (operation.kind === 'create' && createRequest) {
        const created = await executeChild(createLoadBalancer, { ...options('create'), args: [createRequest] });
        record = { ...record, ...created };
      } else if (operation.kind === 'delete') {
        const deleted = await executeChild(deleteLoadBalancer, {
          ...options('delete'),
          args: [{ loadBalancer: record, timing }],
        });
        record = { ...record, ...deleted };
      } else if (operation.kind === 'failover' || operation.kind === 'failover-amphora') {
        const targets = operation.amphoraId ? [operation.amphoraId] : record.amphorae.map((amphora) => amphora.id);
        for (const [index, amphoraId] of targets.entries()) {
          const childId = targets.length > 1 ? `${workflowId}-${index + 1}` : workflowId;
          // Point watchers at the child that is running now, one amphora after the other.
          current = { ...current, workflowId: childId };
          const replaced = await executeChild(failoverAmphora, {
            workflowId: childId,
            typedSearchAttributes: startAttributes(record, 'failover'),
            args: [{ loadBalancer: record, amphoraId, timing }],
          });
          record = { ...record, ...replaced, provisioningStatus: 'PENDING_UPDATE' };
        }
        record = { ...record, provisioningStatus: 'ACTIVE' };
      } else if (operation.kind === 'plug-network' || operation.kind === 'unplug-network') {
        const workflow = operation.kind === 'plug-network' ? plugMemberNetwork : unplugMemberNetwork;
        const changed = await executeChild(workflow, {
          ...options(operation.kind),
          args: [{ loadBalancer: record, networkId: operation.networkId ?? '', timing }],
        });
        record = { ...record, ...changed };
      }
      current = { ...current, outcome: 'succeeded', endedAt: new Date().toISOString() };
    } catch (err) {
      const { message } = describeFailure(err);
      // A failed create was rolled back: nothing of it is left to describe.
      if (operation.kind === 'create') record = { ...record, amphorae: [], vip: undefined, serverGroupId: undefined };
      record = { ...record, provisioningStatus: 'ERROR', operatingStatus: 'ERROR' };
      current = { ...current, outcome: 'failed', error: message, endedAt: new Date().toISOString() };
    }
    record = { ...record, updatedAt: new Date().toISOString() };
    last = current;
    current = undefined;
    publish();
  }

  for (;;) {
    await condition(() => pending !== undefined || workflowInfo().continueAsNewSuggested || tooLong());
    if (pending) {
      await run(pending);
      pending = undefined;
      if (record.provisioningStatus === 'DELETED') {
        await condition(allHandlersFinished);
        return record;
      }
    } else {
      await condition(allHandlersFinished);
      if (!pending)
        await continueAsNew<typeof loadBalancerEntity>({ resume: { record, operations, last }, historyLimit });
    }
  }
}
