/**
 * The workflows a worker registers. This file is the worker's `workflowsPath`: it exports workflow functions only
 * (plus types), and pulls in nothing that does I/O.
 */
export { createLoadBalancer } from './create-load-balancer';
export { createAmphoraWithVip } from './create-amphora';
export { deleteLoadBalancer } from './delete-load-balancer';
export { failoverAmphora } from './failover-amphora';
export { configureLoadBalancer } from './configure-load-balancer';
export { plugMemberNetwork, unplugMemberNetwork } from './member-network';
export { loadBalancerEntity } from './load-balancer-entity';
export { sweepOrphans } from './sweeper/sweep-orphans';
export { catalogEntity } from './catalog';
export { healthManager } from './health/manager';
