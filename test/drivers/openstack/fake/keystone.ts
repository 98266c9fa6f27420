import { randomBytes } from 'node:crypto';
import { keystoneFault, objectField, type Reply, type RequestContext, Router } from './http';
import { PROJECT_ID, USER_ID } from './state';

/** The one service user the fake Keystone knows. */
export const CREDENTIALS = {
  username: 'octavia',
  password: 'fake-secret-password-123',
  domain: 'Default',
  projectName: 'service',
  projectId: PROJECT_ID,
} as const;

export interface KeystoneConfig {
  tokenLifetimeMs: number;
  /** The regions the compute and network endpoints are in. */
  regions: string[];
  /** Services to leave out of the catalog. */
  omitServices: ('compute' | 'network')[];
  /** Appended to the network endpoint's URL (some clouds register Neutron as .../v2.0). */
  networkEndpointSuffix: string;
}

const unauthorized = () => keystoneFault(401, 'Unauthorized', 'The request you have made requires authentication.');

/** Tokens the fake Keystone handed out, and whether each still works. */
export class TokenStore {
  private readonly tokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  issued: string[] = [];

  issue(lifetimeMs: number): { token: string; issuedAt: number; expiresAt: number } {
    const token = `gAAAAA${randomBytes(24).toString('base64url')}`;
    const issuedAt = Date.now();
    this.tokens.set(token, { expiresAt: issuedAt + lifetimeMs, revoked: false });
    this.issued.push(token);
    return { token, issuedAt, expiresAt: issuedAt + lifetimeMs };
  }

  valid(token: string | undefined): boolean {
    const entry = token ? this.tokens.get(token) : undefined;
    return !!entry && !entry.revoked && entry.expiresAt > Date.now();
  }

  /** Every token handed out so far stops working (as if they expired, or Keystone's keys rotated). */
  revokeAll(): void {
    for (const entry of this.tokens.values()) entry.revoked = true;
  }
}

function catalog(baseUrl: string, config: KeystoneConfig) {
  const endpoints = (url: string) =>
    config.regions.flatMap((region) =>
      (['public', 'internal', 'admin'] as const).map((iface) => ({
        id: `${iface}-${region}`,
        interface: iface,
        region,
        region_id: region,
        url,
      })),
    );
  const services = [
    { type: 'identity', name: 'keystone', id: 'svc-identity', endpoints: endpoints(`${baseUrl}/identity`) },
    { type: 'compute', name: 'nova', id: 'svc-compute', endpoints: endpoints(`${baseUrl}/compute/v2.1`) },
    {
      type: 'network',
      name: 'neutron',
      id: 'svc-network',
      endpoints: endpoints(`${baseUrl}/network${config.networkEndpointSuffix}`),
    },
  ];
  return services.filter((service) => !config.omitServices.includes(service.type as 'compute' | 'network'));
}

function issueToken(ctx: RequestContext, tokens: TokenStore, baseUrl: string, config: KeystoneConfig): Reply {
  const auth = objectField(ctx.body, 'auth', () => keystoneFault(400, 'Bad Request', "'auth' is a required property"));
  const identity = auth.identity as { methods?: string[]; password?: { user?: Record<string, unknown> } } | undefined;
  const user = identity?.password?.user;
  const domain = (user?.domain as { name?: string } | undefined)?.name;
  if (
    !identity?.methods?.includes('password') ||
    user?.name !== CREDENTIALS.username ||
    user.password !== CREDENTIALS.password ||
    domain !== CREDENTIALS.domain
  ) {
    throw unauthorized();
  }
  const project = (auth.scope as { project?: { id?: string; name?: string; domain?: { name?: string } } } | undefined)
    ?.project;
  const scoped =
    project?.id === CREDENTIALS.projectId ||
    (project?.name === CREDENTIALS.projectName && project.domain?.name === CREDENTIALS.domain);
  if (!scoped) throw unauthorized();
  const { token, issuedAt, expiresAt } = tokens.issue(config.tokenLifetimeMs);
  // Keystone prints microseconds: 2026-11-22T04:45:08.000000Z
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  return {
    status: 201,
    headers: { 'X-Subject-Token': token },
    body: {
      token: {
        methods: ['password'],
        user: { id: USER_ID, name: CREDENTIALS.username, domain: { id: 'default', name: 'Default' } },
        project: {
          id: CREDENTIALS.projectId,
          name: CREDENTIALS.projectName,
          domain: { id: 'default', name: 'Default' },
        },
        roles: [
          { id: 'r1', name: 'member' },
          { id: 'r2', name: 'load-balancer_admin' },
        ],
        issued_at: iso(issuedAt),
        expires_at: iso(expiresAt),
        catalog: catalog(baseUrl, config),
      },
    },
  };
}

export function keystoneRoutes(tokens: TokenStore, baseUrl: () => string, config: KeystoneConfig): Router {
  return new Router().add('POST', '/v3/auth/tokens', (ctx) => issueToken(ctx, tokens, baseUrl(), config));
}

export { unauthorized };
