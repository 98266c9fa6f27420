import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { findObject, KIND_TITLES, objectViolation, treeOf, type TreeChange } from '../../../contracts';
import type { LoadBalancerTree, TreeKind, TreeObject } from '../../../models';
import { NotFoundError } from '../../errors';
import { dataPlaneView } from '../../health/data-plane';
import type { PublicLoadBalancer, PublishedLoadBalancer } from '../../load-balancers';
import type { TreeLookup } from '../../tree-lookup';
import {
  ensureRead,
  ensureWrite,
  listedProject,
  readBody,
  readValue,
  requestedFields,
  type ApiDependencies,
  type ApiEnv,
  type Caller,
} from '../context';
import { QUOTA_OF, type Quotas } from '../catalog/quotas';
import { ApiFault } from '../faults';
import { UuidSchema } from '../schemas';
import { pick } from '../views';
import type { KindSpec } from './kinds';
import { listingPage } from './paging';

type Bodies = Record<string, Record<string, unknown> | undefined>;

/** What the object routes work with. */
export type ObjectDependencies = Pick<ApiDependencies, 'controller' | 'stats' | 'heartbeats'> & {
  lookup: TreeLookup;
  quotas?: Quotas;
};

/** Where a new object goes, found from its body; `parentId` for members and rules. */
export type Placement = (
  body: Record<string, unknown>,
  caller: Caller,
) => Promise<{ owner: PublishedLoadBalancer; parentId?: string; defaultPoolOf?: string }>;

/**
 * A reference in a body to a load balancer or object the caller may not see is a 404, as if it did not exist: a
 * tenant learns nothing of another project's objects.
 */
export function visibleTo(caller: Caller, owner: PublishedLoadBalancer, notFound: string): PublishedLoadBalancer {
  if (!(caller.readsAll || (caller.readsOwn && caller.projectId === owner.record.projectId))) {
    throw new NotFoundError(notFound);
  }
  return owner;
}

/** The operations every kind shares: create, show, update, delete, once its load balancer is known. */
export class ObjectOperations<K extends TreeKind> {
  /** What a read shows: operating statuses from the heartbeats when there are any (a change shows the entity's). */
  private readonly observe: (record: PublicLoadBalancer) => PublicLoadBalancer;

  constructor(
    private readonly spec: KindSpec<K>,
    private readonly deps: ObjectDependencies,
  ) {
    this.observe = dataPlaneView(deps.heartbeats);
  }

  async create(c: Context<ApiEnv>, place: Placement) {
    const { spec, deps } = this;
    const body = ((await readBody(c, spec.createBody)) as Bodies)[spec.single] ?? {};
    const caller = c.get('caller');
    const { owner, parentId, defaultPoolOf } = await place(body, caller);
    const lb = owner.record;
    ensureWrite(caller, lb.projectId);
    await deps.quotas?.ensure(lb.projectId, QUOTA_OF[spec.kind]);
    const context = {
      loadBalancerId: lb.id,
      projectId: lb.projectId,
      id: randomUUID(),
      now: new Date().toISOString(),
      parentId,
    };
    const object = spec.build(body, context);
    // The entity checks again against the tree as it is then; this answers the plain mistakes without a round trip.
    const violation = objectViolation(spec.kind, object);
    if (violation)
      throw new ApiFault(
        400,
        `Invalid input for field/attribute ${violation.field ?? spec.single}. ${violation.message}`,
      );
    const change = {
      action: 'create',
      kind: spec.kind,
      object,
      ...(defaultPoolOf ? { defaultPoolOf } : {}),
    } as TreeChange;
    const record = await deps.controller.changeTree(lb.id, change);
    if (spec.kind !== 'members' && spec.kind !== 'l7Rules') deps.lookup.remember(object.id, lb.id);
    return c.json({ [spec.single]: this.render(record, object.id) }, 201);
  }

  show(c: Context<ApiEnv>, owner: PublishedLoadBalancer, id: string) {
    ensureRead(c.get('caller'), owner.record.projectId);
    return c.json({ [this.spec.single]: pick(this.render(this.observe(owner.record), id), requestedFields(c)) });
  }

  async update(c: Context<ApiEnv>, owner: PublishedLoadBalancer, id: string) {
    const { spec, deps } = this;
    const body = ((await readBody(c, spec.updateBody)) as Bodies)[spec.single] ?? {};
    ensureWrite(c.get('caller'), owner.record.projectId);
    const record = await deps.controller.changeTree(owner.record.id, {
      action: 'update',
      kind: spec.kind,
      id,
      changes: spec.changes(body),
    });
    return c.json({ [spec.single]: this.render(record, id) });
  }

  async remove(c: Context<ApiEnv>, owner: PublishedLoadBalancer, id: string) {
    ensureWrite(c.get('caller'), owner.record.projectId);
    await this.deps.controller.changeTree(owner.record.id, { action: 'delete', kind: this.spec.kind, id });
    return c.body(null, 204);
  }

  /** The views of every object of this kind the caller may read, across load balancers. */
  async listAll(c: Context<ApiEnv>, keep: (object: TreeObject<K>) => boolean = () => true) {
    const caller = c.get('caller');
    const lbs = await this.deps.controller.list({ projectId: listedProject(caller, c.req.query('project_id')) });
    return c.json(
      listingPage(
        c,
        this.spec.plural,
        lbs.flatMap((lb) => this.viewsOf(lb, keep)),
      ),
    );
  }

  /** The views of the load balancer's objects of this kind that `keep` keeps, as a read shows them. */
  viewsOf(lb: PublicLoadBalancer, keep: (object: TreeObject<K>) => boolean = () => true) {
    const tree = treeOf(this.observe(lb));
    return (tree[this.spec.kind] as TreeObject<K>[]).filter(keep).map((object) => this.spec.view(object, tree));
  }

  /** The object as the record holds it, in Octavia's fields. */
  render(record: PublicLoadBalancer, id: string) {
    const tree: LoadBalancerTree = treeOf(record);
    const object = findObject(tree, this.spec.kind, id);
    if (!object) throw new NotFoundError(`${KIND_TITLES[this.spec.kind]} ${id} could not be found.`);
    return this.spec.view(object, tree);
  }
}

/** Reads an id from the path: anything but a UUID is a 400 naming the parameter. */
export const pathId = (c: Context<ApiEnv>, name: string): string => readValue(UuidSchema, c.req.param(name), name);

/**
 * Routes of a kind found by its own id (listeners, pools, health monitors, L7 policies): `POST /`, `GET /`,
 * `GET|PUT|DELETE /{id}`.
 */
export function topLevelRoutes<K extends 'listeners' | 'pools' | 'healthMonitors' | 'l7Policies'>(
  spec: KindSpec<K>,
  deps: ObjectDependencies,
  place: Placement,
): { routes: Hono<ApiEnv>; operations: ObjectOperations<K> } {
  const routes = new Hono<ApiEnv>();
  const operations = new ObjectOperations(spec, deps);
  const owner = (c: Context<ApiEnv>) => deps.lookup.ownerOf(spec.kind, pathId(c, 'id'));
  routes.post('/', (c) => operations.create(c, place));
  routes.get('/', (c) => operations.listAll(c));
  routes.get('/:id', async (c) => operations.show(c, await owner(c), pathId(c, 'id')));
  routes.put('/:id', async (c) => operations.update(c, await owner(c), pathId(c, 'id')));
  routes.delete('/:id', async (c) => operations.remove(c, await owner(c), pathId(c, 'id')));
  return { routes, operations };
}
