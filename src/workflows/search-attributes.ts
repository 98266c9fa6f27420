import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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

/** Every custom search attribute, for registering them on a server. */
export const ALL_SEARCH_ATTRIBUTES = [
  LoadBalancerIdAttribute,
  ProjectIdAttribute,
  ProvisioningStatusAttribute,
  LoadBalancerNameAttribute,
  AmphoraOperationAttribute,
  AmphoraIdsAttribute,
] as const;
