import type { CreateLoadBalancerInput, LoadBalancer } from '../models';
import type { LoadBalancerRecord } from './entity';

/**
 * The record of a load balancer about to be created, read defensively from the request (the create workflow
 * validates it and fails cleanly on a bad one).
 */
export function initialRecord(request: CreateLoadBalancerInput, createdAt: string): LoadBalancerRecord {
  const text = (value: unknown, fallback = '') => (typeof value === 'string' ? value : fallback);
  return {
    id: text(request?.loadBalancerId, 'unknown'),
    projectId: text(request?.projectId, 'unknown'),
    name: text(request?.name),
    description: text(request?.description),
    provisioningStatus: 'PENDING_CREATE',
    operatingStatus: 'OFFLINE',
    topology: request?.topology === 'ACTIVE_STANDBY' ? 'ACTIVE_STANDBY' : 'SINGLE',
    amphorae: [],
    flavorId: request?.flavorId,
    availabilityZone: request?.amphora?.availabilityZone,
    tags: Array.isArray(request?.tags) ? request.tags : [],
    createdAt,
    adminStateUp: request?.adminStateUp !== false,
    amphoraTemplate: request?.amphora,
    listenerPorts: Array.isArray(request?.listenerPorts) ? request.listenerPorts : [],
    timing: request?.timing as LoadBalancerRecord['timing'],
  };
}

/** The record as clients see it: without the build template and timing the entity keeps for itself. */
export function publicRecord(record: LoadBalancerRecord): LoadBalancer & { adminStateUp: boolean } {
  const { amphoraTemplate: _template, listenerPorts: _ports, timing: _timing, ...visible } = record;
  return visible;
}
