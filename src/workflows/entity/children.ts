import { executeChild, ParentClosePolicy } from '@temporalio/workflow';
import {
  operationSearchAttributes,
  settleTree,
  treeOf,
  type EntityOperation,
  type LoadBalancerRecord,
  type TreeChange,
} from '../../contracts';
import type { CreateLoadBalancerInput, LoadBalancer, LoadBalancerTree } from '../../models';
import { configureLoadBalancer } from '../configure-load-balancer';
import { createLoadBalancer } from '../create-load-balancer';
import { deleteLoadBalancer } from '../delete-load-balancer';
import { failoverAmphora } from '../failover-amphora';
import { plugMemberNetwork, unplugMemberNetwork } from '../member-network';

/** An operation the entity has accepted and will run. */
export interface PendingOperation {
  kind: EntityOperation;
  amphoraId?: string;
  networkId?: string;
  /** configure: the change, and the tree before it (what the amphorae get back if it fails). */
  change?: TreeChange;
  previousTree?: LoadBalancerTree;
}

/** What running one operation needs from the entity. */
export interface ChildContext {
  /** The record as it is now: a failover of several amphorae hands each child the record the previous one left. */
  record(): LoadBalancerRecord;
  /** The child's workflow id (a failover of several amphorae numbers its children after it). */
  workflowId: string;
  createRequest?: CreateLoadBalancerInput;
  /** Points watchers at the child that runs now. */
  onChild(workflowId: string): void;
  /** Folds a finished child's record into the entity's (a failover of several amphorae does so after each). */
  onRecord(changes: Partial<LoadBalancerRecord>): void;
}

/** The priority key of failover workflows (1 = first; Temporal's default is 3). */
export const FAILOVER_PRIORITY = 1;

const identity = (record: LoadBalancerRecord) => ({
  loadBalancerId: record.id,
  projectId: record.projectId,
  name: record.name,
});

/** Starts options for a child about the record's load balancer, with the search attributes it starts with. */
const childOptions = (context: ChildContext, operation: EntityOperation, workflowId = context.workflowId) => ({
  workflowId,
  // Failovers restore service: on a shared worker fleet their tasks go ahead of creates and changes (Temporal's task
  // queue priority; lower keys first, 3 is the default). Activities inherit their workflow's priority.
  ...(operation === 'failover' || operation === 'failover-amphora'
    ? { priority: { priorityKey: FAILOVER_PRIORITY } }
    : {}),
  // Not TERMINATE (the default): a create or failover whose entity is terminated must still roll back.
  parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
  typedSearchAttributes: operationSearchAttributes(
    operation === 'failover-amphora' ? 'failover' : operation,
    identity(context.record()),
  ),
});

/**
 * How the entity runs each of its operations as child workflows, and what each returns to fold into the record.
 * A failover of the whole load balancer replaces its amphorae one after the other.
 */
export const CHILD_RUNNERS: Record<
  EntityOperation,
  (operation: PendingOperation, context: ChildContext) => Promise<void>
> = {
  create: async (_operation, context) => {
    if (!context.createRequest) return;
    context.onRecord(
      await executeChild(createLoadBalancer, { ...childOptions(context, 'create'), args: [context.createRequest] }),
    );
  },
  delete: async (_operation, context) => {
    const record = context.record();
    const args: Parameters<typeof deleteLoadBalancer> = [{ loadBalancer: record, timing: record.timing }];
    context.onRecord(await executeChild(deleteLoadBalancer, { ...childOptions(context, 'delete'), args }));
  },
  failover: (operation, context) => failOver(operation, context),
  'failover-amphora': (operation, context) => failOver(operation, context),
  configure: (operation, context) => configure(operation, context),
  'plug-network': (operation, context) => changeMemberNetwork(plugMemberNetwork, operation, context),
  'unplug-network': (operation, context) => changeMemberNetwork(unplugMemberNetwork, operation, context),
};

async function failOver(operation: PendingOperation, context: ChildContext): Promise<void> {
  // A replaced amphora still waiting for its removal (see OperationFailureDetails.amphorae) is not failed over again.
  const serving = context.record().amphorae.filter((amphora) => amphora.status !== 'PENDING_DELETE');
  const targets = operation.amphoraId ? [operation.amphoraId] : serving.map((amphora) => amphora.id);
  for (const [index, amphoraId] of targets.entries()) {
    const workflowId = targets.length > 1 ? `${context.workflowId}-${index + 1}` : context.workflowId;
    context.onChild(workflowId);
    const record = context.record();
    const replaced: LoadBalancer = await executeChild(failoverAmphora, {
      ...childOptions(context, 'failover', workflowId),
      args: [{ loadBalancer: record, amphoraId, timing: record.timing }],
    });
    context.onRecord({ ...replaced, provisioningStatus: 'PENDING_UPDATE' });
  }
  context.onRecord({ provisioningStatus: 'ACTIVE' });
}

async function changeMemberNetwork(
  workflow: typeof plugMemberNetwork,
  operation: PendingOperation,
  context: ChildContext,
): Promise<void> {
  const record = context.record();
  const changed = await executeChild(workflow, {
    ...childOptions(context, operation.kind),
    args: [{ loadBalancer: record, networkId: operation.networkId ?? '', timing: record.timing }],
  });
  context.onRecord(changed);
}

/**
 * Pushes a tree change to the amphorae and settles the tree: ACTIVE (deleted objects gone) when it worked; when it
 * failed, the changed objects in ERROR with their previous values. The failure still reaches the entity, which
 * decides the load balancer's status.
 */
async function configure(operation: PendingOperation, context: ChildContext): Promise<void> {
  const record = context.record();
  const tree = treeOf(record);
  const previousTree = operation.previousTree ?? tree;
  const change = operation.change;
  if (!change) return;
  const now = () => new Date().toISOString();
  try {
    const { memberNetworkIds } = await executeChild(configureLoadBalancer, {
      ...childOptions(context, 'configure'),
      args: [
        {
          loadBalancer: { ...record, tree },
          previousTree,
          timing: record.timing,
        },
      ],
    });
    context.onRecord({
      tree: settleTree(tree, previousTree, change, 'succeeded', now()),
      memberNetworkIds,
      provisioningStatus: 'ACTIVE',
    });
  } catch (err) {
    context.onRecord({ tree: settleTree(tree, previousTree, change, 'failed', now()) });
    throw err;
  }
}
