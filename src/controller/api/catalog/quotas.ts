import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { treeOf } from '../../../contracts';
import { QUOTA_RESOURCES, type QuotaLimits, type QuotaResource, type TreeKind } from '../../../models';
import { CatalogController } from '../../catalog';
import type { LoadBalancerController } from '../../load-balancers';
import { ensureAdmin, ensureRead, readBody, type ApiEnv } from '../context';
import { ApiFault } from '../faults';

/** Octavia's older quota names, which clients still send and read. */
const ALIASES: Partial<Record<QuotaResource, string>> = {
  load_balancer: 'loadbalancer',
  health_monitor: 'healthmonitor',
};

/** The quota resource each kind of tree object counts against. */
export const QUOTA_OF: Record<TreeKind, QuotaResource> = {
  listeners: 'listener',
  pools: 'pool',
  members: 'member',
  healthMonitors: 'health_monitor',
  l7Policies: 'l7policy',
  l7Rules: 'l7rule',
};

/** What Octavia calls each resource in "Quota has been met for resources: ...". */
const NAMES: Record<QuotaResource, string> = {
  load_balancer: 'LoadBalancer',
  listener: 'Listener',
  pool: 'Pool',
  health_monitor: 'HealthMonitor',
  member: 'Member',
  l7policy: 'L7Policy',
  l7rule: 'L7Rule',
};

const limit = z.coerce
  .number({ error: 'Value should be an integer, -1 for unlimited' })
  .int('Value should be an integer, -1 for unlimited')
  .min(-1, 'Value should be -1 (unlimited) or more');
const QuotaBody = z
  .object({
    quota: z
      .object(
        Object.fromEntries(
          [...QUOTA_RESOURCES, ...Object.values(ALIASES)].map((name) => [name, limit.nullish()]),
        ) as Record<string, z.ZodOptional<z.ZodNullable<typeof limit>>>,
        { error: 'Value should be an object' },
      )
      .strict(),
  })
  .strict();

const view = (limits: QuotaLimits, projectId?: string) => ({
  ...limits,
  loadbalancer: limits.load_balancer,
  healthmonitor: limits.health_monitor,
  ...(projectId ? { project_id: projectId } : {}),
});

/**
 * Quotas: how many of each object a project may have, and the check every create makes. Counted from the live load
 * balancers when a create arrives; two creates racing for the last slot may both pass (Octavia locks a table row).
 */
export class Quotas {
  constructor(
    private readonly catalog: CatalogController,
    private readonly controller: LoadBalancerController,
    private readonly defaults: QuotaLimits,
  ) {}

  async limitsOf(projectId: string): Promise<QuotaLimits> {
    return CatalogController.quotaFor((await this.catalog.read()).quotas, projectId, this.defaults);
  }

  /**
   * Refuses a create that would take the project past its limit for `resource`.
   *
   * @throws ApiFault 403 `Quota has been met for resources: <Name>`.
   */
  async ensure(projectId: string, resource: QuotaResource, adding = 1): Promise<void> {
    const limits = await this.limitsOf(projectId);
    const max = limits[resource];
    if (max < 0) return;
    const lbs = await this.controller.list({ projectId });
    const used =
      resource === 'load_balancer'
        ? lbs.length
        : lbs.reduce((sum, lb) => {
            const tree = treeOf(lb);
            const kind = (Object.keys(QUOTA_OF) as TreeKind[]).find((candidate) => QUOTA_OF[candidate] === resource);
            return sum + (kind ? tree[kind].length : 0);
          }, 0);
    if (used + adding > max) {
      throw new ApiFault(403, `Quota has been met for resources: ${NAMES[resource]}`);
    }
  }

  /** `/quotas`: list, defaults, show, set, reset. */
  routes(): Hono<ApiEnv> {
    const routes = new Hono<ApiEnv>();
    const project = (c: Context<ApiEnv>) => c.req.param('project_id') ?? '';
    routes.get('/', async (c) => {
      const caller = c.get('caller');
      if (!caller.readsAll) throw new ApiFault(403, 'Policy does not allow this request to be performed.');
      const { quotas } = await this.catalog.read();
      return c.json({
        quotas: Object.keys(quotas).map((projectId) =>
          view(CatalogController.quotaFor(quotas, projectId, this.defaults), projectId),
        ),
        quotas_links: [],
      });
    });
    routes.get('/defaults', (c) => c.json({ quota: view(this.defaults) }));
    routes.get('/:project_id/default', (c) => {
      ensureRead(c.get('caller'), project(c));
      return c.json({ quota: view(this.defaults, project(c)) });
    });
    routes.get('/:project_id', async (c) => {
      ensureRead(c.get('caller'), project(c));
      return c.json({ quota: view(await this.limitsOf(project(c)), project(c)) });
    });
    routes.put('/:project_id', async (c) => {
      const { quota } = await readBody(c, QuotaBody);
      ensureAdmin(c.get('caller'));
      const limits: Partial<QuotaLimits> = {};
      for (const resource of QUOTA_RESOURCES) {
        const alias = ALIASES[resource];
        const value = quota[resource] ?? (alias ? quota[alias] : undefined);
        if (value !== undefined && value !== null) limits[resource] = value;
      }
      await this.catalog.change({ action: 'set-quota', projectId: project(c), limits });
      return c.json({ quota: view(await this.limitsOf(project(c)), project(c)) }, 202);
    });
    routes.delete('/:project_id', async (c) => {
      ensureAdmin(c.get('caller'));
      await this.catalog.change({ action: 'reset-quota', projectId: project(c) });
      return c.body(null, 204);
    });
    return routes;
  }
}
