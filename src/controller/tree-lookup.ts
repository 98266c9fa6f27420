import { findObject, KIND_TITLES, treeOf } from '../contracts';
import type { TreeKind } from '../models';
import { NotFoundError } from './errors';
import type { LoadBalancerController, PublishedLoadBalancer } from './load-balancers';

/** The kinds found by their own id; members and L7 rules are found through their pool or policy. */
export type TopKind = Extract<TreeKind, 'listeners' | 'pools' | 'healthMonitors' | 'l7Policies'>;

/** How many owners to remember: enough for every object a busy API touches in a while, bounded all the same. */
const REMEMBERED = 10_000;

/**
 * Finds the load balancer that holds a listener, pool, health monitor or L7 policy: from memory when this API made
 * or saw the object (visibility lags its writes by milliseconds, and a client polls the object it just created),
 * else through the ObjectIds search attribute. Either way the answer is checked against the record itself.
 */
export class TreeLookup {
  private readonly owners = new Map<string, string>();

  constructor(private readonly controller: LoadBalancerController) {}

  /** Remembers which load balancer holds an object. */
  remember(objectId: string, loadBalancerId: string): void {
    this.owners.delete(objectId);
    this.owners.set(objectId, loadBalancerId);
    if (this.owners.size > REMEMBERED) {
      const oldest = this.owners.keys().next().value;
      if (oldest !== undefined) this.owners.delete(oldest);
    }
  }

  /**
   * The load balancer holding the object, as last published.
   *
   * @throws NotFoundError naming the object, Octavia's way, when no live load balancer holds it.
   */
  async ownerOf(kind: TopKind, id: string): Promise<PublishedLoadBalancer> {
    const holds = (published: PublishedLoadBalancer | undefined) =>
      published !== undefined && findObject(treeOf(published.record), kind, id) !== undefined;
    const cached = this.owners.get(id);
    if (cached) {
      const published = await this.controller.read(cached);
      if (published && holds(published)) return published;
      this.owners.delete(id);
    }
    for (const loadBalancerId of await this.controller.holdersOf(id)) {
      const published = await this.controller.read(loadBalancerId);
      if (published && holds(published)) {
        this.remember(id, published.record.id);
        return published;
      }
    }
    throw new NotFoundError(`${KIND_TITLES[kind]} ${id} could not be found.`);
  }
}
