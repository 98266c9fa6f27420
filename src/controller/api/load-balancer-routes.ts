import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { CreateLoadBalancerInput } from '../../models';
import { dataPlaneView } from '../health/data-plane';
import type { PublicLoadBalancer, PublishedLoadBalancer } from '../load-balancers';
import {
  ensureAdmin,
  ensureRead,
  ensureWrite,
  listedProject,
  readBody,
  readValue,
  requestedFields,
  type ApiDependencies,
  type ApiEnv,
} from './context';
import { ApiFault, invalidField } from './faults';
import { CascadeSchema, CreateLoadBalancerBody, LimitSchema, UpdateLoadBalancerBody, UuidSchema } from './schemas';
import type { Quotas } from './catalog/quotas';
import { placementOf } from './create-placement';
import { statsOf } from './stats';
import { statusTree } from './status-tree';
import { checkVipTarget } from './vip-target';
import { loadBalancerView, pick } from './views';

/** Octavia's list filters this API honours, by query parameter. */
const FILTERS = {
  id: (lb: PublicLoadBalancer) => lb.id,
  name: (lb: PublicLoadBalancer) => lb.name,
  description: (lb: PublicLoadBalancer) => lb.description,
  project_id: (lb: PublicLoadBalancer) => lb.projectId,
  provisioning_status: (lb: PublicLoadBalancer) => lb.provisioningStatus,
  operating_status: (lb: PublicLoadBalancer) => lb.operatingStatus,
  vip_address: (lb: PublicLoadBalancer) => lb.vip?.ipAddress,
  vip_subnet_id: (lb: PublicLoadBalancer) => lb.vip?.subnetId,
  vip_network_id: (lb: PublicLoadBalancer) => lb.vip?.networkId,
  vip_port_id: (lb: PublicLoadBalancer) => lb.vip?.portId,
} as const;

/** `/lbaas/loadbalancers`: create, list with filters and paging, show, update, delete, status tree, failover. */
export function loadBalancerRoutes({
  controller,
  settings,
  network,
  catalog,
  quotas,
  stats,
  heartbeats,
}: ApiDependencies & { quotas: Quotas }): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  // What a read shows: operating statuses from the heartbeats when there are any. Changes answer with the record as
  // the entity returned it.
  const observe = dataPlaneView(heartbeats);

  // The record as its entity last published it: no worker is needed to read it, and a change goes to the entity, which
  // checks the record's state itself.
  const find = async (c: Context<ApiEnv>, access: 'read' | 'write' | 'admin') => {
    const id = readValue(UuidSchema, c.req.param('id'), 'id');
    const published = await controller.requirePublished(id);
    const caller = c.get('caller');
    if (access === 'read') ensureRead(caller, published.record.projectId);
    else if (access === 'write') ensureWrite(caller, published.record.projectId);
    else ensureAdmin(caller);
    if (controller.isStale(published)) c.header('Warning', staleWarning(published));
    return published;
  };

  routes.post('/', async (c) => {
    const { loadbalancer: body } = await readBody(c, CreateLoadBalancerBody);
    const caller = c.get('caller');
    const projectId = body.project_id ?? body.tenant_id ?? caller.projectId ?? 'admin';
    ensureWrite(caller, projectId);
    const placement = placementOf(body, await catalog.read(), settings);
    const { topology } = placement;
    // Before anything starts: a refused request writes nothing to history.
    if (network) await checkVipTarget(network, caller, projectId, body);
    await quotas.ensure(projectId, 'load_balancer');
    const request: CreateLoadBalancerInput = {
      loadBalancerId: randomUUID(),
      projectId,
      name: body.name ?? '',
      description: body.description ?? '',
      adminStateUp: body.admin_state_up ?? true,
      topology,
      vip: {
        ...(body.vip_subnet_id ? { subnetId: body.vip_subnet_id } : {}),
        ...(body.vip_network_id ? { networkId: body.vip_network_id } : {}),
        ...(body.vip_port_id ? { portId: body.vip_port_id } : {}),
        ...(body.vip_address ? { ipAddress: body.vip_address } : {}),
        ...(body.vip_qos_policy_id ? { qosPolicyId: body.vip_qos_policy_id } : {}),
      },
      amphora: {
        ...settings.amphoraTemplate,
        ...(placement.computeFlavor ? { flavor: placement.computeFlavor } : {}),
        ...(placement.managementNetworkId ? { managementNetworkId: placement.managementNetworkId } : {}),
        ...(placement.computeZone ? { availabilityZone: placement.computeZone } : {}),
      },
      ...(body.flavor_id ? { flavorId: body.flavor_id } : {}),
      tags: body.tags ?? [],
      antiAffinityPolicy: settings.antiAffinityPolicy,
      timing: settings.timing,
    };
    const created = await controller.create(request);
    return c.json({ loadbalancer: loadBalancerView(created) }, 201);
  });

  routes.get('/', async (c) => {
    const caller = c.get('caller');
    const query = c.req.query();
    const limit = query.limit === undefined ? undefined : readValue(LimitSchema, query.limit, 'limit');
    const filters = Object.entries(FILTERS).filter(([name]) => query[name] !== undefined);
    let found = (
      await controller.list({
        projectId: listedProject(caller, query.project_id),
        name: query.name,
        provisioningStatus: query.provisioning_status,
      })
    ).map(observe);
    found = found.filter((lb) => filters.every(([name, read]) => read(lb) === query[name]));
    if (query.page_reverse === 'true' || query.page_reverse === 'True') found.reverse();
    let start = 0;
    if (query.marker !== undefined) {
      const index = found.findIndex((lb) => lb.id === query.marker);
      if (index < 0) throw invalidField('marker', query.marker, 'No load balancer with this id is in the listing');
      start = index + 1;
    }
    const page = limit === undefined ? found.slice(start) : found.slice(start, start + limit);
    const fields = requestedFields(c);
    const links = [];
    const last = page[page.length - 1];
    if (limit !== undefined && last && start + limit < found.length) {
      const next = new URL(c.req.url);
      next.searchParams.set('marker', last.id);
      links.push({ rel: 'next', href: next.toString() });
    }
    return c.json({ loadbalancers: page.map((lb) => pick(loadBalancerView(lb), fields)), loadbalancers_links: links });
  });

  routes.get('/:id', async (c) => {
    const { record } = await find(c, 'read');
    const fields = requestedFields(c);
    return c.json({ loadbalancer: pick(loadBalancerView(observe(record)), fields) });
  });

  routes.put('/:id', async (c) => {
    const { loadbalancer: body } = await readBody(c, UpdateLoadBalancerBody);
    const view = await find(c, 'write');
    const updated = await controller.update(view.record.id, {
      ...(body.name != null ? { name: body.name } : {}),
      ...(body.description != null ? { description: body.description } : {}),
      ...(body.admin_state_up != null ? { adminStateUp: body.admin_state_up } : {}),
      ...(body.tags != null ? { tags: body.tags } : {}),
    });
    return c.json({ loadbalancer: loadBalancerView(updated) });
  });

  routes.delete('/:id', async (c) => {
    // Bad input is a 400 whether or not the load balancer exists: check it before looking.
    const cascade = readValue(CascadeSchema, c.req.query('cascade'), 'cascade');
    const view = await find(c, 'write');
    await controller.delete(view.record.id, cascade);
    return c.body(null, 204);
  });

  routes.get('/:id/status', async (c) => {
    const { record } = await find(c, 'read');
    return c.json(statusTree(observe(record)));
  });

  routes.get('/:id/stats', async (c) => {
    const { record } = await find(c, 'read');
    return c.json({ stats: await statsOf(stats, record) });
  });

  // Octavia's default policy keeps failover for operators: it rebuilds amphorae, which a tenant cannot see.
  routes.put('/:id/failover', async (c) => {
    const view = await find(c, 'admin');
    await controller.failover(view.record.id);
    return c.body(null, 202);
  });

  routes.all('/:id/*', () => {
    throw new ApiFault(404, 'The resource could not be found.');
  });
  return routes;
}

/**
 * HTTP's warning 110 for a record that may be behind: work has waited for the load balancer's entity longer than a
 * worker would let it (none is running, or all are overloaded).
 */
function staleWarning({ record, behindMs }: PublishedLoadBalancer): string {
  const waited = Math.round(behindMs / 1000);
  return `110 - "Response is Stale: work for load balancer ${record.id} has waited ${waited} s for a worker; this record may be behind"`;
}
