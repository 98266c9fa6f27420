/** The agent's API routes (see `api.ts`): each checks its input, runs one operation at a time, answers JSON. */
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { TLSSocket } from 'node:tls';
import { z } from 'zod';
import {
  AGENT_API_VERSION,
  CONTROLLER_CERT_NAME,
  HAPROXY_ACTIONS,
  VRRP_ACTIONS,
  type AgentDetails,
  type AgentInfo,
  type HaproxyAction,
  type PlugNetworkBody,
  type PlugVipBody,
  type UnplugNetworkBody,
  type VrrpAction,
} from './api';
import { announceAddress } from './announce';
import { AgentError, toAgentError } from './errors';
import type { Haproxy } from './haproxy';
import type { Keepalived } from './keepalived';
import type { AgentLogger } from './log';
import type { Plugging } from './plugging';

/** What the routes act on. */
export interface AgentServices {
  amphoraId: string;
  haproxy: Haproxy;
  keepalived: Keepalived;
  plugging: Plugging;
  log: AgentLogger;
}

type Env = { Bindings: HttpBindings };

/** haproxy and keepalived configurations are a few KiB; a megabyte is a mistake or an attack. */
const MAX_BODY_BYTES = 1024 * 1024;
const ID = /^[A-Za-z0-9_.-]+$/;

const PlugVipSchema = z.object({
  subnet_cidr: z.string(),
  vrrp_ip: z.string(),
  gateway: z.string().optional(),
  add_vip: z.boolean(),
  interface: z.string().optional(),
  network_id: z.string().optional(),
}) satisfies z.ZodType<PlugVipBody>;
const FixedIpSchema = z.object({ ip_address: z.string(), subnet_cidr: z.string() });
const PlugNetworkSchema = z.object({
  mac_address: z.string().optional(),
  fixed_ips: z.array(FixedIpSchema).default([]),
  network_id: z.string().optional(),
}) satisfies z.ZodType<PlugNetworkBody, unknown>;
const UnplugNetworkSchema = z.object({
  mac_address: z.string().optional(),
  network_id: z.string().optional(),
}) satisfies z.ZodType<UnplugNetworkBody>;

/** Builds the agent's routes over `services`. */
export function agentRoutes(services: AgentServices): Hono<Env> {
  const { amphoraId, haproxy, keepalived, plugging, log } = services;
  const app = new Hono<Env>().basePath(`/${AGENT_API_VERSION}`);
  // Operations change shared state (haproxy's files, interfaces): one at a time keeps each one's view consistent.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(operation: () => Promise<T>): Promise<T> => {
    const next = queue.then(operation, operation);
    queue = next.catch(() => undefined);
    return next;
  };

  app.onError((err, c) => {
    const error = toAgentError(err, `${c.req.method} ${c.req.path}`);
    if (error.status >= 500)
      log.error({ err: error.message, details: error.details, path: c.req.path }, 'request failed');
    return c.json(error.body(), error.status);
  });
  app.notFound((c) =>
    c.json({ message: 'Not found', details: `${c.req.method} ${c.req.path} is not a call of this agent` }, 404),
  );
  app.use(async (c, next) => {
    // The CA signs amphora certificates too; only the controller's (EKU clientAuth, this CN) may configure us.
    const peer = (c.env.incoming.socket as TLSSocket).getPeerCertificate?.();
    if (peer?.subject?.CN !== CONTROLLER_CERT_NAME) {
      throw new AgentError(403, 'Forbidden', `only ${CONTROLLER_CERT_NAME} may call this agent`);
    }
    const started = Date.now();
    await next();
    log.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Date.now() - started }, 'request');
  });
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new AgentError(413, 'Request body too large', `the limit is ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );

  const info = async (): Promise<AgentInfo> => ({
    hostname: `amphora-${amphoraId}`,
    haproxy_version: await haproxy.version(),
    api_version: AGENT_API_VERSION,
  });

  app.get('/info', async (c) => c.json(await info()));
  app.get('/details', async (c) => {
    const configured = await haproxy.configured();
    const running: string[] = [];
    for (const lbId of configured) if (await haproxy.running(lbId)) running.push(lbId);
    const networks = await plugging.networks();
    const details: AgentDetails = {
      ...(await info()),
      load_balancers: running,
      configured_load_balancers: configured,
      interfaces: await plugging.interfaces(),
      keepalived: await keepalived.status(),
      ...(networks.vip ? { vip_network_id: networks.vip } : {}),
      networks: networks.members,
    };
    return c.json(details);
  });

  app.put('/loadbalancer/:amphoraId/:lbId/haproxy', async (c) => {
    const target = idParam(c, 'amphoraId');
    if (target !== amphoraId) {
      throw new AgentError(409, 'Wrong amphora', `this agent serves amphora ${amphoraId}, not ${target}`);
    }
    const lbId = idParam(c, 'lbId');
    const text = await c.req.text();
    await serial(() => haproxy.install(lbId, text));
    return c.json(
      { message: 'OK', details: 'Configuration file is valid\nhaproxy daemon for load balancer updated' },
      202,
    );
  });
  app.get('/loadbalancer/:lbId/haproxy', async (c) => {
    const text = await haproxy.config(idParam(c, 'lbId'));
    return c.text(text, 200, { 'content-type': 'text/plain; charset=utf-8' });
  });
  app.get('/loadbalancer/:lbId/stats', async (c) => c.json({ listeners: await haproxy.stats(idParam(c, 'lbId')) }));
  app.put('/loadbalancer/:lbId/:action', async (c) => {
    const lbId = idParam(c, 'lbId');
    const action = oneOf<HaproxyAction>(c.req.param('action'), HAPROXY_ACTIONS);
    await serial(() => haproxy[action](lbId));
    // A replacement amphora serves from here on: neighbours learn the VIP's new MAC address now, not in a minute.
    const vip = action === 'stop' ? undefined : await plugging.ownedVip();
    if (vip) announceAddress(vip.address, vip.interface, log);
    return c.json({ message: 'OK', details: `haproxy of load balancer ${lbId}: ${action} done` }, 202);
  });
  app.delete('/loadbalancer/:lbId', async (c) => {
    const lbId = idParam(c, 'lbId');
    await serial(() => haproxy.remove(lbId));
    return c.json({ message: 'OK' });
  });

  app.post('/plug/vip/:vip', async (c) => {
    const body = await parseBody(c, PlugVipSchema);
    return c.json(await serial(() => plugging.plugVip(c.req.param('vip'), body)), 202);
  });
  app.post('/plug/network', async (c) => {
    const body = await parseBody(c, PlugNetworkSchema);
    return c.json(await serial(() => plugging.plugNetwork(body)), 202);
  });
  app.post('/unplug/network', async (c) => {
    const body = await parseBody(c, UnplugNetworkSchema);
    return c.json(await serial(() => plugging.unplugNetwork(body)), 202);
  });

  app.put('/vrrp/upload', async (c) => {
    const text = await c.req.text();
    await serial(() => keepalived.install(text));
    return c.json({ message: 'OK' }, 202);
  });
  app.get('/vrrp/config', async (c) =>
    c.text(await keepalived.text(), 200, { 'content-type': 'text/plain; charset=utf-8' }),
  );
  app.delete('/vrrp', async (c) => {
    await serial(() => keepalived.remove());
    return c.json({ message: 'OK' });
  });
  app.put('/vrrp/:action', async (c) => {
    const action = oneOf<VrrpAction>(c.req.param('action'), VRRP_ACTIONS);
    await serial(() => keepalived[action]());
    return c.json({ message: 'OK', details: `keepalived: ${action} done` }, 202);
  });
  return app;
}

/** A path parameter that names something (an id): plain characters only, as it becomes a path and an argument. */
function idParam(c: Context<Env>, name: string): string {
  const value = c.req.param(name) ?? '';
  if (!ID.test(value) || value === '.' || value === '..') {
    throw new AgentError(400, `Invalid ${name}`, `${JSON.stringify(value)} must be letters, digits, "_", "." or "-"`);
  }
  return value;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new AgentError(400, 'Invalid action', `${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  }
  return value as T;
}

async function parseBody<S extends z.ZodType>(c: Context<Env>, schema: S): Promise<z.output<S>> {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch (err) {
    throw new AgentError(400, 'Invalid JSON body', (err as Error).message);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    throw new AgentError(400, 'Invalid request body', issues.join('; '));
  }
  return parsed.data;
}
