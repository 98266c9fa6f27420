import { Hono } from 'hono';
import { ensureAdmin, readValue, requestedFields, type ApiDependencies, type ApiEnv } from './context';
import { UuidSchema } from './schemas';
import { amphoraStats } from './stats';
import { amphoraView, pick } from './views';

/** `/octavia/amphorae`: list (by load balancer), show, stats, failover. Operators only, as in Octavia's default policy. */
export function amphoraRoutes({ controller, stats }: ApiDependencies): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();

  routes.get('/', async (c) => {
    ensureAdmin(c.get('caller'));
    const loadBalancerId = c.req.query('loadbalancer_id');
    const fields = requestedFields(c);
    const lbs = loadBalancerId
      ? [await controller.read(readValue(UuidSchema, loadBalancerId, 'loadbalancer_id'))].flatMap((published) =>
          published ? [published.record] : [],
        )
      : await controller.list();
    const amphorae = lbs.flatMap((lb) => lb.amphorae.map((amphora) => pick(amphoraView(amphora, lb), fields)));
    return c.json({ amphorae, amphorae_links: [] });
  });

  routes.get('/:id', async (c) => {
    ensureAdmin(c.get('caller'));
    const id = readValue(UuidSchema, c.req.param('id'), 'id');
    const { amphora, loadBalancer } = await controller.requireAmphora(id);
    return c.json({ amphora: amphoraView(amphora, loadBalancer) });
  });

  routes.get('/:id/stats', async (c) => {
    ensureAdmin(c.get('caller'));
    const id = readValue(UuidSchema, c.req.param('id'), 'id');
    const { amphora, loadBalancer } = await controller.requireAmphora(id);
    return c.json({ amphora_stats: await amphoraStats(stats, amphora, loadBalancer) });
  });

  routes.put('/:id/failover', async (c) => {
    ensureAdmin(c.get('caller'));
    const id = readValue(UuidSchema, c.req.param('id'), 'id');
    await controller.failoverAmphora(id);
    return c.body(null, 202);
  });

  return routes;
}
