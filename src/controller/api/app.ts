import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { ConflictError, InputError, NotFoundError, UnavailableError } from '../errors';
import { healthManagerRoutes } from './health-manager-routes';
import { amphoraRoutes } from './amphora-routes';
import { authenticate } from './auth';
import type { ApiDependencies, ApiEnv } from './context';
import { ApiFault } from './faults';
import { loadBalancerRoutes } from './load-balancer-routes';
import { noopNeutronRoutes } from './noop-neutron-routes';
import { catalogRoutes, FLAVOR_PROFILES, FLAVORS, providerRoutes, Quotas, ZONE_PROFILES, ZONES } from './catalog';
import { objectRoutes } from './objects';
import { TreeLookup } from '../tree-lookup';
import { heartbeatStats } from '../health/heartbeat-stats';
import { contextFromHeaders, inSpan, SpanKind, SpanStatusCode } from '../../tracing';

/** The versions Octavia's root document lists that this API's behaviour matches (tags arrived in v2.5). */
const VERSIONS = [
  ['v2.0', '2016-12-11T00:00:00Z'],
  ['v2.1', '2018-04-20T00:00:00Z'],
  ['v2.2', '2018-07-31T00:00:00Z'],
  ['v2.3', '2018-12-18T00:00:00Z'],
  ['v2.4', '2018-12-19T00:00:00Z'],
  ['v2.5', '2019-01-21T00:00:00Z'],
] as const;

/** The status and fault for any error a route throws: the controller's errors map to Octavia's statuses. */
function faultFor(err: unknown): ApiFault {
  if (err instanceof ApiFault) return err;
  if (err instanceof NotFoundError) return new ApiFault(404, err.message);
  if (err instanceof ConflictError) return new ApiFault(409, err.message);
  if (err instanceof UnavailableError)
    return new ApiFault(503, err.message, { 'Retry-After': String(err.retryAfterSeconds) });
  if (err instanceof InputError)
    return new ApiFault(400, `Invalid input for field/attribute ${err.field}. ${err.constraint}`);
  if (err instanceof HTTPException) return new ApiFault(err.status, err.message);
  return new ApiFault(500, 'Internal Server Error: the request failed on the server; see its logs for the request id.');
}

/**
 * The Octavia v2-compatible REST API: `GET /` (versions) and, under both `/v2` and `/v2.0`, `/lbaas/loadbalancers`
 * and `/octavia/amphorae`. Every error is Octavia's `{faultcode, faultstring, debuginfo}`; nothing a request does can
 * take the server down.
 */
export function createApiApp(dependencies: ApiDependencies): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const { logger, settings, heartbeats } = dependencies;
  // With heartbeats, statistics are what they carried, as Octavia's API answers them: no amphora is asked.
  const deps = { ...dependencies, stats: heartbeats ? heartbeatStats(heartbeats) : dependencies.stats };

  app.use(async (c, next) => {
    const started = performance.now();
    // A span per request (a no-op unless tracing is on), continuing the caller's trace when it sent `traceparent`;
    // the workflow it starts joins it, and its activities and driver calls after that.
    await inSpan(
      `${c.req.method} ${c.req.path}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': c.req.method } },
      async (span) => {
        await next();
        // The route's pattern names the span, so one operation's spans group together whatever the ids.
        span.updateName(`${c.req.method} ${c.req.routePath}`);
        span.setAttributes({ 'http.route': c.req.routePath, 'http.response.status_code': c.res.status });
        if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      },
      contextFromHeaders(c.req.header()),
    );
    // Method, path and status only: bodies and headers can carry tokens and user data.
    logger.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'api request',
    );
  });

  app.get('/', (c) => {
    const base = new URL(c.req.url).origin;
    return c.json({
      versions: VERSIONS.map(([id, updated], index) => ({
        id,
        status: index === VERSIONS.length - 1 ? 'CURRENT' : 'SUPPORTED',
        updated,
        links: [{ href: `${base}/v2`, rel: 'self' }],
      })),
    });
  });

  const v2 = new Hono<ApiEnv>();
  v2.use(
    bodyLimit({
      maxSize: settings.api.maxBodyBytes,
      onError: () => {
        throw new ApiFault(
          400,
          `Request body is larger than ${settings.api.maxBodyBytes} bytes; send a smaller request.`,
        );
      },
    }),
  );
  v2.use(authenticate(settings.api.auth, deps.keystone));
  const quotas = new Quotas(deps.catalog, deps.controller, settings.quotaDefaults);
  v2.route('/lbaas/loadbalancers', loadBalancerRoutes({ ...deps, quotas }));
  v2.route('/lbaas/quotas', quotas.routes());
  v2.route('/lbaas/providers', providerRoutes());
  v2.route('/lbaas/flavorprofiles', catalogRoutes(FLAVOR_PROFILES, deps.catalog));
  v2.route('/lbaas/flavors', catalogRoutes(FLAVORS, deps.catalog));
  v2.route('/lbaas/availabilityzoneprofiles', catalogRoutes(ZONE_PROFILES, deps.catalog));
  v2.route('/lbaas/availabilityzones', catalogRoutes(ZONES, deps.catalog));
  const lookup = new TreeLookup(deps.controller);
  v2.route('/lbaas', objectRoutes({ controller: deps.controller, lookup, quotas, stats: deps.stats, heartbeats }));
  v2.route('/octavia/amphorae', amphoraRoutes(deps));
  v2.route('/octavia/healthmanager', healthManagerRoutes(deps));
  if (deps.noopCloud) v2.route('/', noopNeutronRoutes(deps.noopCloud));
  app.route('/v2', v2);
  app.route('/v2.0', v2);

  app.notFound((c) => c.json(new ApiFault(404, `The resource ${c.req.path} could not be found.`).body, 404));
  app.onError((err, c) => {
    const fault = faultFor(err);
    if (fault.status === 503) {
      logger.warn({ method: c.req.method, path: c.req.path, reason: fault.message }, 'api request refused: no worker');
    } else if (fault.status >= 500) {
      logger.error({ err, method: c.req.method, path: c.req.path }, 'api request failed');
    }
    return c.json(fault.body, fault.status, fault.headers);
  });
  return app;
}
