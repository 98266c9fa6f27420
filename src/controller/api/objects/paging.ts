import type { Context } from 'hono';
import { readValue, requestedFields, type ApiEnv } from '../context';
import { invalidField } from '../faults';
import { LimitSchema } from '../schemas';
import { pick } from '../views';

/** Query parameters that steer a listing rather than filter it. */
const CONTROLS = new Set(['limit', 'marker', 'page_reverse', 'fields', 'sort', 'sort_key', 'sort_dir', 'project_id']);

/**
 * One page of a listing, Octavia's way: equality filters on any scalar field of the view, `marker`/`limit` paging
 * with a `next` link, `page_reverse`, and `fields`.
 */
export function listingPage(c: Context<ApiEnv>, plural: string, views: Record<string, unknown>[]) {
  const query = c.req.query();
  const limit = query.limit === undefined ? undefined : readValue(LimitSchema, query.limit, 'limit');
  const filters = Object.entries(query).filter(([name]) => !CONTROLS.has(name));
  let found = views.filter((view) =>
    filters.every(([name, wanted]) => {
      // Octavia filters listeners and pools by the load balancer they belong to.
      if (name === 'loadbalancer_id' && Array.isArray(view.loadbalancers)) {
        return (view.loadbalancers as { id: string }[]).some((lb) => lb.id === wanted);
      }
      const value = view[name];
      const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
      return scalar ? String(value) === wanted : true;
    }),
  );
  if (query.page_reverse === 'true' || query.page_reverse === 'True') found = found.reverse();
  let start = 0;
  if (query.marker !== undefined) {
    const index = found.findIndex((view) => view.id === query.marker);
    if (index < 0) throw invalidField('marker', query.marker, `No ${plural} entry with this id is in the listing`);
    start = index + 1;
  }
  const page = limit === undefined ? found.slice(start) : found.slice(start, start + limit);
  const links = [];
  const last = page[page.length - 1];
  if (limit !== undefined && last && start + limit < found.length) {
    const next = new URL(c.req.url);
    next.searchParams.set('marker', String(last.id));
    links.push({ rel: 'next', href: next.toString() });
  }
  const fields = requestedFields(c);
  return { [plural]: page.map((view) => pick(view, fields)), [`${plural}_links`]: links };
}
