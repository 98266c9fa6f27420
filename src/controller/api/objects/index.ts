import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { findObject, KIND_TITLES, treeOf } from '../../../contracts';
import { MemberSchema } from '../../../models';
import { NotFoundError } from '../../errors';
import type { PublishedLoadBalancer } from '../../load-balancers';
import { ensureRead, ensureWrite, readBody, type ApiEnv } from '../context';
import { ApiFault } from '../faults';
import { statsOf } from '../stats';
import { toChanges, withoutNulls } from './convert';
import { HEALTH_MONITORS, L7_POLICIES, L7_RULES, LISTENERS, MEMBERS, POOLS, type KindSpec } from './kinds';
import { listingPage } from './paging';
import { ObjectOperations, pathId, topLevelRoutes, visibleTo, type ObjectDependencies, type Placement } from './routes';
import { BatchMembersBody } from './schemas';

/**
 * Octavia's routes for what stands behind a VIP: `/lbaas/listeners`, `/pools` (with `/pools/{id}/members`),
 * `/healthmonitors` and `/l7policies` (with `/l7policies/{id}/rules`). Every change goes to the load balancer's
 * entity, which refuses it while the tree is PENDING_* (409) and pushes it to the amphorae.
 */
export function objectRoutes(deps: ObjectDependencies): Hono<ApiEnv> {
  const { controller, lookup } = deps;
  const routes = new Hono<ApiEnv>();
  const loadBalancer = async (id: unknown, caller: Parameters<Placement>[1]) => {
    const lbId = String(id);
    const missing = `Load Balancer ${lbId} could not be found.`;
    const published = await controller.read(lbId);
    if (!published) throw new NotFoundError(missing);
    return visibleTo(caller, published, missing);
  };
  const holder = async (kind: 'listeners' | 'pools', id: unknown, caller: Parameters<Placement>[1]) =>
    visibleTo(caller, await lookup.ownerOf(kind, String(id)), `${KIND_TITLES[kind]} ${String(id)} could not be found.`);

  const listeners = topLevelRoutes(LISTENERS, deps, async (body, caller) => ({
    owner: await loadBalancer(body.loadbalancer_id, caller),
  }));
  const pools = topLevelRoutes(POOLS, deps, async (body, caller) => {
    const listenerId = typeof body.listener_id === 'string' ? body.listener_id : undefined;
    const loadBalancerId = typeof body.loadbalancer_id === 'string' ? body.loadbalancer_id : undefined;
    if (listenerId) {
      const owner = await holder('listeners', listenerId, caller);
      if (loadBalancerId && loadBalancerId !== owner.record.id) {
        throw new ApiFault(
          400,
          `Invalid input for field/attribute loadbalancer_id. Listener ${listenerId} belongs to load balancer ${owner.record.id}, not ${loadBalancerId}.`,
        );
      }
      return { owner, defaultPoolOf: listenerId };
    }
    if (!body.loadbalancer_id) {
      throw new ApiFault(
        400,
        'Invalid input for field/attribute loadbalancer_id. Either loadbalancer_id or listener_id must be set.',
      );
    }
    return { owner: await loadBalancer(body.loadbalancer_id, caller) };
  });
  const monitors = topLevelRoutes(HEALTH_MONITORS, deps, async (body, caller) => ({
    owner: await holder('pools', body.pool_id, caller),
  }));
  const policies = topLevelRoutes(L7_POLICIES, deps, async (body, caller) => ({
    owner: await holder('listeners', body.listener_id, caller),
  }));

  routes.route('/pools/:pool_id/members', nestedRoutes(MEMBERS, 'pools', 'pool_id', deps, true));
  routes.route('/l7policies/:l7policy_id/rules', nestedRoutes(L7_RULES, 'l7Policies', 'l7policy_id', deps, false));
  listeners.routes.get('/:id/stats', async (c) => {
    const id = pathId(c, 'id');
    const owner = await lookup.ownerOf('listeners', id);
    ensureRead(c.get('caller'), owner.record.projectId);
    return c.json({ stats: await statsOf(deps.stats, owner.record, id) });
  });
  routes.route('/listeners', listeners.routes);
  routes.route('/pools', pools.routes);
  routes.route('/healthmonitors', monitors.routes);
  routes.route('/l7policies', policies.routes);
  return routes;
}

/** Members of a pool, rules of a policy: found through their parent in the path. */
function nestedRoutes<K extends 'members' | 'l7Rules'>(
  spec: KindSpec<K>,
  parentKind: 'pools' | 'l7Policies',
  param: string,
  deps: ObjectDependencies,
  batch: boolean,
): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  const operations = new ObjectOperations(spec, deps);
  const parentOf = (object: { poolId?: string; l7PolicyId?: string }) => object.poolId ?? object.l7PolicyId;
  const parent = (c: Context<ApiEnv>) => deps.lookup.ownerOf(parentKind, pathId(c, param));
  const child = async (c: Context<ApiEnv>): Promise<{ owner: PublishedLoadBalancer; id: string }> => {
    const owner = await parent(c);
    const id = pathId(c, 'id');
    const object = findObject(treeOf(owner.record), spec.kind, id);
    if (!object || parentOf(object) !== c.req.param(param)) {
      throw new NotFoundError(`${KIND_TITLES[spec.kind]} ${id} could not be found.`);
    }
    return { owner, id };
  };

  routes.get('/', async (c) => {
    const owner = await parent(c);
    ensureRead(c.get('caller'), owner.record.projectId);
    const views = operations.viewsOf(owner.record, (object) => parentOf(object) === c.req.param(param));
    return c.json(listingPage(c, spec.plural, views));
  });
  routes.post('/', (c) => operations.create(c, async () => ({ owner: await parent(c), parentId: c.req.param(param) })));
  if (batch) {
    routes.put('/', async (c) => {
      const owner = await parent(c);
      const { members } = await readBody(c, BatchMembersBody);
      ensureWrite(c.get('caller'), owner.record.projectId);
      const now = new Date().toISOString();
      const poolId = pathId(c, param);
      const existing = treeOf(owner.record).members.filter((member) => member.poolId === poolId).length;
      if (members.length > existing)
        await deps.quotas?.ensure(owner.record.projectId, 'member', members.length - existing);
      const built = members.map((body) =>
        MemberSchema.parse({
          ...withoutNulls(toChanges(body, ['project_id', 'tenant_id'])),
          id: randomUUID(),
          projectId: owner.record.projectId,
          provisioningStatus: 'PENDING_CREATE',
          operatingStatus: 'OFFLINE',
          createdAt: now,
          poolId,
        }),
      );
      await deps.controller.changeTree(owner.record.id, { action: 'replace-members', poolId, members: built });
      return c.body(null, 202);
    });
  }
  routes.get('/:id', async (c) => {
    const { owner, id } = await child(c);
    return operations.show(c, owner, id);
  });
  routes.put('/:id', async (c) => {
    const { owner, id } = await child(c);
    return operations.update(c, owner, id);
  });
  routes.delete('/:id', async (c) => {
    const { owner, id } = await child(c);
    return operations.remove(c, owner, id);
  });
  return routes;
}
