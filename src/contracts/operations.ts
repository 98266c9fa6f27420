import type { ProvisioningStatus } from '../models/enums';

/** What every operation is: its title in messages, the workflow that carries it out, its provisioning status. */
interface OperationSpec {
  /** Begins a sentence about the operation: `Create of load balancer <id> failed at ...`. */
  title: string;
  /** The workflow type that carries it out. */
  workflow: string;
  /** The provisioning status the load balancer has while it runs. */
  pending: ProvisioningStatus;
  /** Whether the load balancer's entity workflow accepts it (and runs it as a child). */
  entity: boolean;
}

/**
 * Every operation, once: the one table the controller, the activities and the workflows read operation names,
 * titles and workflow types from.
 */
export const OPERATIONS = {
  create: { title: 'Create of load balancer', workflow: 'createLoadBalancer', pending: 'PENDING_CREATE', entity: true },
  delete: { title: 'Delete of load balancer', workflow: 'deleteLoadBalancer', pending: 'PENDING_DELETE', entity: true },
  failover: {
    title: 'Failover on load balancer',
    workflow: 'failoverAmphora',
    pending: 'PENDING_UPDATE',
    entity: true,
  },
  'failover-amphora': {
    title: 'Amphora failover on load balancer',
    workflow: 'failoverAmphora',
    pending: 'PENDING_UPDATE',
    entity: true,
  },
  'plug-network': {
    title: 'Member network plug on load balancer',
    workflow: 'plugMemberNetwork',
    pending: 'PENDING_UPDATE',
    entity: true,
  },
  'unplug-network': {
    title: 'Member network unplug on load balancer',
    workflow: 'unplugMemberNetwork',
    pending: 'PENDING_UPDATE',
    entity: true,
  },
  configure: {
    title: 'Configuration change on load balancer',
    workflow: 'configureLoadBalancer',
    pending: 'PENDING_UPDATE',
    entity: true,
  },
  'create-amphora': {
    title: 'Amphora create for load balancer',
    workflow: 'createAmphoraWithVip',
    pending: 'PENDING_CREATE',
    entity: false,
  },
  /** The long-running workflow that holds a load balancer's record. */
  'load-balancer': { title: 'Load balancer', workflow: 'loadBalancerEntity', pending: 'PENDING_CREATE', entity: false },
  sweep: { title: 'Orphan sweep', workflow: 'sweepOrphans', pending: 'ACTIVE', entity: false },
} as const satisfies Record<string, OperationSpec>;

type Operations = typeof OPERATIONS;

/** An operation's name, as the `AmphoraOperation` search attribute and the status query give it. */
export type OperationName = keyof Operations;

/** The operations a load balancer's entity runs as child workflows. */
export type EntityOperation = { [N in OperationName]: Operations[N]['entity'] extends true ? N : never }[OperationName];

/** The workflow that carries out an operation. */
export type WorkflowOf<N extends OperationName> = Operations[N]['workflow'];

/**
 * The workflows whose input `validateWorkflowInput` checks: all but the entity, which checks its own, and the health
 * manager, which is about no one load balancer.
 */
export type ValidatedWorkflow = Exclude<WorkflowOf<OperationName>, 'loadBalancerEntity'> | 'healthManager';

/**
 * How the long-lived workflows (the entity per load balancer, the catalog, the health manager) are started under
 * Worker Versioning: they move to each new current build, where an operation stays on the build that started it
 * (the workers' default, PINNED). Their code changes therefore still need `patched()`. Set at start rather than in
 * the workflow's definition: the SDK's setWorkflowOptions at module level hung the reusable V8 context (1.24).
 * Unversioned workers ignore it.
 */
export const LONG_LIVED_VERSIONING = 'AUTO_UPGRADE' as const;
