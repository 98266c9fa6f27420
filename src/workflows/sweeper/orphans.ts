/**
 * What the orphan sweeper decides, with no I/O (the sweep workflow runs it): which of the resources this service owns
 * no live load balancer accounts for.
 */
import type { LiveSet, OwnedResource } from '../../contracts/sweeper';
import {
  amphoraName,
  idAfter,
  serverGroupName,
  vipPortName,
  vipSecurityGroupName,
  vrrpPortName,
} from '../../models/names';

/** The outcome of comparing owned resources with what is live. */
export interface Classification {
  /** Owned, and no live load balancer or amphora accounts for them. */
  orphans: OwnedResource[];
  /** A live load balancer or amphora accounts for them. */
  live: OwnedResource[];
  /**
   * Resources of amphorae while some running workflow did not say which amphorae it holds: they might be its, so
   * they are kept this time; so are orphaned VIP security groups then, since such an amphora's base port may use one.
   */
  undecided: OwnedResource[];
}

const INSTANCE = amphoraName('');
const VRRP_PORT = vrrpPortName('');
const VIP_PORT = vipPortName('');
const SERVER_GROUP = serverGroupName('');
const SECURITY_GROUP = vipSecurityGroupName('');

/**
 * Whom a resource belongs to, read from its deterministic name (`<prefix><uuid>`); undefined when the name is not one
 * of ours. The activity lists only resources with our names and our mark; this reads the id they carry, and refuses
 * anything else again, so a name like `lb-web` is never taken for load balancer `web`.
 */
export function ownerOf(resource: OwnedResource): { amphoraId: string } | { loadBalancerId: string } | undefined {
  const id = (prefix: string) => idAfter(prefix, resource.name);
  switch (resource.kind) {
    case 'instance': {
      const amphoraId = id(INSTANCE);
      return amphoraId ? { amphoraId } : undefined;
    }
    case 'port': {
      const amphoraId = id(VRRP_PORT);
      if (amphoraId) return { amphoraId };
      const loadBalancerId = id(VIP_PORT);
      return loadBalancerId ? { loadBalancerId } : undefined;
    }
    case 'serverGroup': {
      const loadBalancerId = id(SERVER_GROUP);
      return loadBalancerId ? { loadBalancerId } : undefined;
    }
    case 'securityGroup': {
      const loadBalancerId = id(SECURITY_GROUP);
      return loadBalancerId ? { loadBalancerId } : undefined;
    }
  }
}

/** Sorts owned resources into orphans, live ones, and (when some workflow did not answer) undecided ones. */
export function classify(resources: readonly OwnedResource[], live: LiveSet): Classification {
  const loadBalancers = new Set(live.loadBalancerIds);
  const amphorae = new Set(live.amphoraIds);
  const result: Classification = { orphans: [], live: [], undecided: [] };
  for (const resource of resources) {
    const owner = ownerOf(resource);
    if (!owner) continue; // not a name this service gives: never touched
    const unsure = live.unanswered.length > 0;
    if ('loadBalancerId' in owner) {
      if (loadBalancers.has(owner.loadBalancerId)) result.live.push(resource);
      else (unsure && resource.kind === 'securityGroup' ? result.undecided : result.orphans).push(resource);
    } else if (amphorae.has(owner.amphoraId)) {
      result.live.push(resource);
    } else {
      (unsure ? result.undecided : result.orphans).push(resource);
    }
  }
  return result;
}

/** The order orphans are removed in: what uses a resource goes before it (instances before their ports, ...). */
export function removalOrder(resource: OwnedResource): number {
  switch (resource.kind) {
    case 'instance':
      return 0;
    case 'port':
      return resource.name.startsWith(VRRP_PORT) ? 1 : 2;
    case 'securityGroup':
      return 3;
    case 'serverGroup':
      return 4;
  }
}

/** A resource's identity across two looks: the same kind and id (a name may be reused by a new resource). */
export const resourceKey = (resource: OwnedResource): string => `${resource.kind}/${resource.id}`;
