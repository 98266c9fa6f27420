import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { LoadBalancer, LoadBalancerTree, ProvisioningStatus } from '../models';
import { OPERATIONS, type OperationName } from './operations';

/**
 * Custom search attributes the workflows set, so that operators can list load balancers and operations in the
 * Temporal UI and the controller can filter them (`ProvisioningStatus = "ERROR"`). `temporal-dev.sh` registers the
 * same list on the dev server it starts; a test keeps the two in step.
 */
export const LoadBalancerIdAttribute = defineSearchAttributeKey('LoadBalancerId', SearchAttributeType.KEYWORD);
export const ProjectIdAttribute = defineSearchAttributeKey('ProjectId', SearchAttributeType.KEYWORD);
export const ProvisioningStatusAttribute = defineSearchAttributeKey('ProvisioningStatus', SearchAttributeType.KEYWORD);
export const LoadBalancerNameAttribute = defineSearchAttributeKey('LoadBalancerName', SearchAttributeType.KEYWORD);
/** The kind of operation a workflow carries out: create, delete, failover, plug-network, unplug-network. */
export const AmphoraOperationAttribute = defineSearchAttributeKey('AmphoraOperation', SearchAttributeType.KEYWORD);

/** The amphorae of a load balancer, so that one is found from an amphora id. */
export const AmphoraIdsAttribute = defineSearchAttributeKey('AmphoraIds', SearchAttributeType.KEYWORD_LIST);

/**
 * The listeners, pools, health monitors and L7 policies of a load balancer, so that one is found from its id (members
 * and L7 rules are reached through their pool or policy).
 */
export const ObjectIdsAttribute = defineSearchAttributeKey('ObjectIds', SearchAttributeType.KEYWORD_LIST);

/** Every custom search attribute, for registering them on a server. */
export const ALL_SEARCH_ATTRIBUTES = [
  LoadBalancerIdAttribute,
  ProjectIdAttribute,
  ProvisioningStatusAttribute,
  LoadBalancerNameAttribute,
  AmphoraOperationAttribute,
  AmphoraIdsAttribute,
  ObjectIdsAttribute,
] as const;

/** Who an operation is about. */
export interface OperationIdentity {
  loadBalancerId: string;
  projectId?: string;
  name?: string;
}

/**
 * The search attributes of a workflow about a load balancer. Its starter sets them (they are then written with the
 * first visibility record); the workflow upserts only what differs, and then only its status as it changes.
 *
 * @param provisioningStatus - the operation's PENDING_* status unless told otherwise.
 */
export function operationSearchAttributes(
  operation: OperationName,
  identity: OperationIdentity,
  provisioningStatus: ProvisioningStatus = OPERATIONS[operation].pending,
): SearchAttributePair[] {
  return [
    { key: LoadBalancerIdAttribute, value: identity.loadBalancerId },
    { key: AmphoraOperationAttribute, value: operation },
    { key: ProvisioningStatusAttribute, value: provisioningStatus },
    ...(identity.projectId ? [{ key: ProjectIdAttribute, value: identity.projectId }] : []),
    ...(identity.name ? [{ key: LoadBalancerNameAttribute, value: identity.name }] : []),
  ];
}

/** What an entity workflow keeps up to date as its record changes. */
export function entitySearchAttributes(
  record: Pick<LoadBalancer, 'provisioningStatus' | 'name' | 'amphorae' | 'tree'>,
) {
  return [
    { key: ProvisioningStatusAttribute, value: record.provisioningStatus },
    { key: LoadBalancerNameAttribute, value: record.name },
    { key: AmphoraIdsAttribute, value: record.amphorae.map((amphora) => amphora.id) },
    { key: ObjectIdsAttribute, value: objectIds(record.tree) },
  ] as SearchAttributePair[];
}

/** The ids the ObjectIds search attribute lists. */
export function objectIds(tree: LoadBalancerTree | undefined): string[] {
  if (!tree) return [];
  return [tree.listeners, tree.pools, tree.healthMonitors, tree.l7Policies].flatMap((objects) =>
    objects.map((object) => object.id),
  );
}
