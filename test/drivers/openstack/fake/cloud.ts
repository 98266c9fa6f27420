import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiFault, failure, readBody, type Reply, type RequestContext, type Router, type Service } from './http';
import { keystoneRoutes, TokenStore, unauthorized, UserStore, type KeystoneConfig } from './keystone';
import { MisbehaviourPlan, type Misbehaviour, type RequestMatch } from './misbehaviour';
import { novaRoutes } from './nova-attachments';
import type { NovaConfig } from './nova-servers';
import { neutronRoutes, portView } from './neutron';
import { seedCloud } from './seed';
import { FakeState } from './state';

export interface FakeCloudOptions extends Partial<KeystoneConfig>, Partial<NovaConfig> {
  /** Neutron's pagination_max_limit; none by default. */
  neutronMaxLimit?: number;
}

/** One request the fake cloud saw. */
export interface SeenRequest {
  service: Service;
  method: string;
  path: string;
  status: number | 'dropped';
  token?: string;
  body: unknown;
  headers: IncomingMessage['headers'];
}

const PREFIXES: [string, Service][] = [
  ['/identity', 'identity'],
  ['/compute/v2.1', 'compute'],
  ['/network', 'network'],
];

/**
 * Keystone, Nova and Neutron on 127.0.0.1, answering with the shapes, status codes, headers and error bodies of the
 * OpenStack API reference, keeping state (servers boot BUILD -> ACTIVE, ports get addresses from subnet CIDRs,
 * detaches finish in the background), and misbehaving on demand through {@link FakeOpenStack.misbehave}.
 */
export class FakeOpenStack {
  readonly state = new FakeState();
  readonly tokens = new TokenStore();
  /** Keystone's users: the service user, and any a test adds (`users.add`). */
  readonly users = new UserStore();
  readonly plan = new MisbehaviourPlan();
  readonly requests: SeenRequest[] = [];
  /** Handler crashes: a bug in the fake, which tests assert is empty. */
  readonly crashes: Error[] = [];
  private readonly server: Server;
  private readonly routers: Record<Service, Router>;
  private url = '';
  private readonly keystoneConfig: KeystoneConfig;

  private constructor(readonly options: FakeCloudOptions) {
    const baseUrl = () => this.url;
    const keystoneConfig: KeystoneConfig = (this.keystoneConfig = {
      tokenLifetimeMs: options.tokenLifetimeMs ?? 3_600_000,
      regions: options.regions ?? ['RegionOne'],
      omitServices: options.omitServices ?? [],
      networkEndpointSuffix: options.networkEndpointSuffix ?? '',
      endpointOverrides: {},
    });
    const novaConfig: NovaConfig = {
      buildDelayMs: options.buildDelayMs ?? 30,
      detachDelayMs: options.detachDelayMs ?? 30,
      maxLimit: options.maxLimit ?? 1000,
    };
    this.routers = {
      identity: keystoneRoutes({ tokens: this.tokens, users: this.users, baseUrl, config: keystoneConfig }),
      compute: novaRoutes({ state: this.state, config: novaConfig, baseUrl }),
      network: neutronRoutes({ state: this.state, maxLimit: options.neutronMaxLimit, baseUrl }),
    };
    seedCloud(this.state);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.crashes.push(err as Error));
    });
  }

  /** Starts a fake cloud on an ephemeral port of 127.0.0.1. */
  static async start(options: FakeCloudOptions = {}): Promise<FakeOpenStack> {
    const cloud = new FakeOpenStack(options);
    await new Promise<void>((resolve) => cloud.server.listen(0, '127.0.0.1', resolve));
    cloud.url = `http://127.0.0.1:${(cloud.server.address() as AddressInfo).port}`;
    return cloud;
  }

  get baseUrl(): string {
    return this.url;
  }

  /** OS_AUTH_URL of this cloud. */
  get authUrl(): string {
    return `${this.url}/identity/v3`;
  }

  /** Lists `url` in the service catalog as the endpoint of `type` (another service, or one this cloud has). */
  setCatalogEndpoint(type: string, url: string): void {
    this.keystoneConfig.endpointOverrides[type] = url;
  }

  /** Makes the next `times` matching requests misbehave. */
  misbehave(match: RequestMatch, action: Misbehaviour, times = 1): void {
    this.plan.add(match, action, times);
  }

  /** The requests seen so far that match. */
  seen(match: RequestMatch = {}): SeenRequest[] {
    return this.requests.filter(
      (request) =>
        (!match.service || request.service === match.service) &&
        (!match.method || request.method === match.method) &&
        (!match.path || match.path.test(request.path)),
    );
  }

  /** Makes a port the way a user would: not named by the service under test. */
  userPort(networkId: string, name = `user-port-${randomUUID().slice(0, 8)}`) {
    return portView(this.state.createPort({ networkId, name }));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const prefix = PREFIXES.find(([candidate]) => url.pathname.startsWith(candidate));
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    if (!prefix) return this.reply(res, { status: 404, body: 'Not Found' });
    const [base, service] = prefix;
    const path = url.pathname.slice(base.length) || '/';
    const body = raw ? (JSON.parse(raw) as unknown) : undefined;
    const token = typeof req.headers['x-auth-token'] === 'string' ? req.headers['x-auth-token'] : undefined;
    const seen: SeenRequest = { service, method, path, status: 0, token, body, headers: req.headers };
    this.requests.push(seen);
    this.state.settle(Date.now());

    const action = this.plan.take(service, method, path);
    if (action?.kind === 'delay') await sleep(action.ms);
    let reply: Reply;
    if (action?.kind === 'fail') {
      reply = failure(service, action.status, action.html);
    } else {
      reply = this.dispatch(service, method, path, url, body, req, token);
    }
    if (action?.kind === 'drop-response') {
      seen.status = 'dropped';
      req.socket.destroy();
      return;
    }
    if (action?.kind === 'malform') reply = { ...reply, body: action.rewrite(structuredClone(reply.body)) };
    seen.status = reply.status;
    this.reply(res, reply, service);
  }

  private dispatch(
    service: Service,
    method: string,
    path: string,
    url: URL,
    body: unknown,
    req: IncomingMessage,
    token: string | undefined,
  ): Reply {
    try {
      if (service !== 'identity' && !this.tokens.valid(token)) throw unauthorized();
      const route = this.routers[service].match(method, path);
      if (!route)
        return { status: 404, body: { error: { code: 404, title: 'Not Found', message: `${method} ${path}` } } };
      const ctx: RequestContext = {
        method,
        path,
        params: route.params,
        query: url.searchParams,
        body,
        headers: req.headers,
      };
      return route.handler(ctx);
    } catch (err) {
      if (err instanceof ApiFault) return { status: err.status, body: err.body };
      this.crashes.push(err as Error);
      return { status: 500, body: { error: { code: 500, title: 'Internal Server Error', message: String(err) } } };
    }
  }

  private reply(res: ServerResponse, reply: Reply, service?: Service): void {
    if (res.destroyed) return;
    const requestId = `req-${randomUUID()}`;
    const headers: Record<string, string> = { 'x-openstack-request-id': requestId, ...reply.headers };
    if (service === 'compute') headers['x-compute-request-id'] = requestId;
    if (reply.status === 401) headers['WWW-Authenticate'] = `Keystone uri="${this.authUrl}"`;
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers).end();
    } else if (typeof reply.body === 'string') {
      res.writeHead(reply.status, { ...headers, 'Content-Type': 'text/html' }).end(reply.body);
    } else {
      res.writeHead(reply.status, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify(reply.body));
    }
  }
}
