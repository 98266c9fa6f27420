import { Hono, type Context } from 'hono';
import { findEntry, type CatalogChange } from '../../../contracts';
import type { CatalogController } from '../../catalog';
import { NotFoundError } from '../../errors';
import { ensureAdmin, readBody, requestedFields, type ApiEnv, type Caller } from '../context';
import { ApiFault } from '../faults';
import { listingPage } from '../objects/paging';
import { pick } from '../views';
import { FLAVOR_CAPABILITIES, PROVIDERS, ZONE_CAPABILITIES, type CatalogSpec } from './specs';

type Bodies = Record<string, Record<string, unknown> | undefined>;

const forbidden = () => new ApiFault(403, 'Policy does not allow this request to be performed.');

/** Octavia's `load-balancer:read`: anyone who may read load balancers (of some project) may read flavors and zones. */
function ensureReader(caller: Caller): void {
  if (!(caller.readsAll || caller.readsOwn)) throw forbidden();
}

/** `POST /`, `GET /`, `GET|PUT|DELETE /{key}` of one kind of catalog entry; writes are for operators. */
export function catalogRoutes(spec: CatalogSpec, catalog: CatalogController): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  const mayRead = (c: Context<ApiEnv>) => (spec.read === 'admin' ? ensureAdmin : ensureReader)(c.get('caller'));
  const title = spec.single.replace(/_/g, ' ');
  const show = async (key: string) => {
    const entry = findEntry(await catalog.read(), spec.kind, key);
    if (!entry) throw new NotFoundError(`${title[0]?.toUpperCase()}${title.slice(1)} ${key} could not be found.`);
    return spec.view(entry);
  };

  routes.post('/', async (c) => {
    const body = ((await readBody(c, spec.createBody)) as Bodies)[spec.single] ?? {};
    ensureAdmin(c.get('caller'));
    const entry = spec.entry(body);
    await catalog.change({ action: 'create', kind: spec.kind, entry } as CatalogChange);
    return c.json({ [spec.single]: spec.view(entry) }, 201);
  });
  routes.get('/', async (c) => {
    mayRead(c);
    const state = await catalog.read();
    return c.json(
      listingPage(
        c,
        spec.plural,
        state[spec.kind].map((entry) => spec.view(entry)),
      ),
    );
  });
  routes.get('/:key', async (c) => {
    mayRead(c);
    return c.json({ [spec.single]: pick(await show(c.req.param('key')), requestedFields(c)) });
  });
  routes.put('/:key', async (c) => {
    const body = ((await readBody(c, spec.updateBody)) as Bodies)[spec.single] ?? {};
    ensureAdmin(c.get('caller'));
    const key = c.req.param('key');
    await catalog.change({ action: 'update', kind: spec.kind, key, changes: spec.changes(body) });
    return c.json({ [spec.single]: await show(key) });
  });
  routes.delete('/:key', async (c) => {
    ensureAdmin(c.get('caller'));
    await catalog.change({ action: 'delete', kind: spec.kind, key: c.req.param('key') });
    return c.body(null, 204);
  });
  return routes;
}

/** `/providers`: the amphora driver, and what its flavors and availability zones may set. */
export function providerRoutes(): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  const capabilities = (c: Context<ApiEnv>, table: Record<string, string>, key: string) => {
    ensureAdmin(c.get('caller'));
    const provider = c.req.param('provider') ?? '';
    if (!(PROVIDERS as readonly string[]).includes(provider)) {
      throw new NotFoundError(`Provider ${provider} could not be found; this API serves: ${PROVIDERS.join(', ')}.`);
    }
    return c.json({ [key]: Object.entries(table).map(([name, description]) => ({ name, description })) });
  };
  routes.get('/', (c) => {
    ensureReader(c.get('caller'));
    return c.json({
      providers: [
        { name: 'amphora', description: 'The Octavia Amphora driver.' },
        { name: 'octavia', description: 'Deprecated alias of the Octavia Amphora driver.' },
      ],
    });
  });
  routes.get('/:provider/flavor_capabilities', (c) => capabilities(c, FLAVOR_CAPABILITIES, 'flavor_capabilities'));
  routes.get('/:provider/availability_zone_capabilities', (c) =>
    capabilities(c, ZONE_CAPABILITIES, 'availability_zone_capabilities'),
  );
  return routes;
}
