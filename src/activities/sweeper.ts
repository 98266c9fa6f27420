import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { AmphoraComputeDriver } from '../drivers/compute/driver';
import type { AbstractNetworkDriver } from '../drivers/network/driver';
import { FailureTypes, OWNED_PREFIXES, type LiveSet, type OwnedResource } from '../contracts';
import { ownershipReason, type OwnershipCandidate } from '../models';
import { findLiveLoadBalancers } from './live-load-balancers';

/** Activities of the orphan sweeper: list what this service owns, find what is live, delete one orphan. */
export function createSweeperActivities(
  drivers: { compute: AmphoraComputeDriver; network: AbstractNetworkDriver },
  temporalClient?: Client,
) {
  const { compute, network } = drivers;
  return {
    /**
     * Every instance, port, server group and security group of ours: listed by our name prefixes, and kept only when
     * it has one of our names and carries our mark (`ownershipReason`), which its `reason` then states. What lacks
     * either, a tenant's `lb-web` or a neighbouring Octavia's `octavia-lb-<uuid>` port, is left out, so it never
     * reaches the sweep (nor its history).
     */
    async listOwnedResources(): Promise<OwnedResource[]> {
      const [instances, ports, serverGroups, securityGroups] = await Promise.all([
        compute.listInstances(OWNED_PREFIXES.instance),
        network.listPorts(OWNED_PREFIXES.port),
        compute.listServerGroups(OWNED_PREFIXES.serverGroup),
        network.listSecurityGroups(OWNED_PREFIXES.securityGroup),
      ]);
      const candidates: (OwnershipCandidate & { id: string })[] = [
        ...instances.map(({ computeId, name, metadata }) => ({
          kind: 'instance' as const,
          id: computeId,
          name,
          metadata,
        })),
        ...ports.map(({ id, name, description }) => ({ kind: 'port' as const, id, name, description })),
        ...serverGroups.map(({ id, name }) => ({ kind: 'serverGroup' as const, id, name })),
        ...securityGroups.map(({ id, name, description }) => ({
          kind: 'securityGroup' as const,
          id,
          name,
          description,
        })),
      ];
      return candidates.flatMap(({ id, ...candidate }) => {
        const reason = ownershipReason(candidate);
        return reason ? [{ kind: candidate.kind, id, name: candidate.name, reason }] : [];
      });
    },

    /** The load balancers with a running workflow, and the amphorae those workflows hold (through Temporal). */
    async findLiveLoadBalancers(): Promise<LiveSet> {
      if (!temporalClient) {
        throw ApplicationFailure.nonRetryable(
          'This worker has no Temporal client for the sweeper: pass one to createActivities',
          FailureTypes.configuration,
        );
      }
      const context = Context.current();
      return findLiveLoadBalancers(temporalClient, { onProgress: (done, total) => context.heartbeat({ done, total }) });
    },

    /** Deletes one orphan by its id. Idempotent: what is already gone is success. */
    async deleteOrphan(resource: OwnedResource): Promise<void> {
      switch (resource.kind) {
        case 'instance':
          return compute.delete(resource.id);
        case 'port':
          return network.deletePort(resource.id);
        case 'serverGroup':
          return compute.deleteServerGroup(resource.id);
        case 'securityGroup':
          return network.deleteSecurityGroup(resource.id);
      }
    },
  };
}
