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
  /** Services whose endpoint is elsewhere (the API under test's `load-balancer`, or `network` served by it). */
  endpointOverrides: Record<string, string>;
}

const unauthorized = () => keystoneFault(401, 'Unauthorized', 'The request you have made requires authentication.');

/** A user the fake Keystone knows: its password, the one project it has roles on, and those roles. */
export interface FakeUser {
  id: string;
  name: string;
  password: string;
  projectId: string;
  projectName: string;
  /** Effective role names (Keystone lists implied roles too: give `member` and `reader` where they are implied). */
  roles: string[];
}

/** The service user: validating other users' tokens needs Keystone's `service` (or `admin`) role. */
const SERVICE_USER: FakeUser = {
  id: USER_ID,
  name: CREDENTIALS.username,
  password: CREDENTIALS.password,
  projectId: CREDENTIALS.projectId,
  projectName: CREDENTIALS.projectName,
  roles: ['member', 'reader', 'load-balancer_admin', 'service'],
};

/** What Keystone keeps about a token it issued. */
interface TokenRecord {
  user: FakeUser;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

/** Tokens the fake Keystone handed out, and whether each still works. */
export class TokenStore {
  private readonly tokens = new Map<string, TokenRecord>();
  issued: string[] = [];

  issue(lifetimeMs: number, user: FakeUser = SERVICE_USER): { token: string; issuedAt: number; expiresAt: number } {
    const token = `gAAAAA${randomBytes(24).toString('base64url')}`;
    const issuedAt = Date.now();
    this.tokens.set(token, { user, issuedAt, expiresAt: issuedAt + lifetimeMs, revoked: false });
    this.issued.push(token);
    return { token, issuedAt, expiresAt: issuedAt + lifetimeMs };
  }

  valid(token: string | undefined): boolean {
    return this.lookUp(token) !== undefined;
  }

  /** The token's record while it works. */
  lookUp(token: string | undefined): TokenRecord | undefined {
    const entry = token ? this.tokens.get(token) : undefined;
    return entry && !entry.revoked && entry.expiresAt > Date.now() ? entry : undefined;
  }

  /** Every token handed out so far stops working (as if they expired, or Keystone's keys rotated). */
  revokeAll(): void {
    for (const entry of this.tokens.values()) entry.revoked = true;
  }

  /** One token stops working (`openstack token revoke`). */
  revoke(token: string): void {
    const entry = this.tokens.get(token);
    if (entry) entry.revoked = true;
  }
}

/** The users Keystone knows: the service user, and those a test adds. */
export class UserStore {
  private readonly users = new Map<string, FakeUser>([[SERVICE_USER.name, SERVICE_USER]]);

  add(user: Omit<FakeUser, 'id'> & { id?: string }): FakeUser {
    const added = { ...user, id: user.id ?? randomBytes(16).toString('hex') };
    this.users.set(added.name, added);
    return added;
  }

  find(name: unknown): FakeUser | undefined {
    return typeof name === 'string' ? this.users.get(name) : undefined;
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
  const urls: Record<string, string> = {
    identity: `${baseUrl}/identity`,
    compute: `${baseUrl}/compute/v2.1`,
    network: `${baseUrl}/network${config.networkEndpointSuffix}`,
    ...config.endpointOverrides,
  };
  const names: Record<string, string> = { identity: 'keystone', compute: 'nova', network: 'neutron' };
  return Object.entries(urls)
    .filter(([type]) => !config.omitServices.includes(type as 'compute' | 'network'))
    .map(([type, url]) => ({ type, name: names[type] ?? type, id: `svc-${type}`, endpoints: endpoints(url) }));
}

// Keystone prints microseconds: 2026-11-22T04:45:08.000000Z
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/** A token's body as Keystone shows it, at issue and at validation. */
function tokenBody(record: TokenRecord, catalogEntries: unknown[] | undefined) {
  const domain = { id: 'default', name: 'Default' };
  return {
    token: {
      methods: ['password'],
      user: { id: record.user.id, name: record.user.name, domain },
      project: { id: record.user.projectId, name: record.user.projectName, domain },
      roles: record.user.roles.map((name, index) => ({ id: `role-${index}-${name}`, name })),
      issued_at: iso(record.issuedAt),
      expires_at: iso(record.expiresAt),
      ...(catalogEntries ? { catalog: catalogEntries } : {}),
    },
  };
}

interface KeystoneDeps {
  tokens: TokenStore;
  users: UserStore;
  baseUrl: () => string;
  config: KeystoneConfig;
}

function issueToken(ctx: RequestContext, { tokens, users, baseUrl, config }: KeystoneDeps): Reply {
  const auth = objectField(ctx.body, 'auth', () => keystoneFault(400, 'Bad Request', "'auth' is a required property"));
  const identity = auth.identity as { methods?: string[]; password?: { user?: Record<string, unknown> } } | undefined;
  const given = identity?.password?.user;
  const domain = (given?.domain as { name?: string } | undefined)?.name;
  const user = users.find(given?.name);
  if (
    !identity?.methods?.includes('password') ||
    !user ||
    given?.password !== user.password ||
    domain !== CREDENTIALS.domain
  ) {
    throw unauthorized();
  }
  const project = (auth.scope as { project?: { id?: string; name?: string; domain?: { name?: string } } } | undefined)
    ?.project;
  const scoped =
    project?.id === user.projectId ||
    (project?.name === user.projectName && project.domain?.name === CREDENTIALS.domain);
  if (!scoped) throw unauthorized();
  const { token } = tokens.issue(config.tokenLifetimeMs, user);
  const record = tokens.lookUp(token);
  if (!record) throw new Error('a token just issued is not valid');
  return { status: 201, headers: { 'X-Subject-Token': token }, body: tokenBody(record, catalog(baseUrl(), config)) };
}

/**
 * Keystone's token validation (GET /v3/auth/tokens): the caller's own token in X-Auth-Token must carry the `admin` or
 * `service` role; the token asked about in X-Subject-Token is shown, or 404 when it is unknown, expired or revoked.
 */
function validateToken(ctx: RequestContext, { tokens, baseUrl, config }: KeystoneDeps): Reply {
  const header = (name: string) => {
    const value = ctx.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const caller = tokens.lookUp(header('x-auth-token'));
  if (!caller) throw unauthorized();
  if (!caller.user.roles.some((role) => role === 'admin' || role === 'service')) {
    throw keystoneFault(
      403,
      'Forbidden',
      'You are not authorized to perform the requested action: identity:validate_token.',
    );
  }
  const subject = header('x-subject-token');
  const record = tokens.lookUp(subject);
  if (!subject || !record) throw keystoneFault(404, 'Not Found', `Could not find token: ${subject ?? ''}`);
  const withCatalog = !ctx.query.has('nocatalog');
  return {
    status: 200,
    headers: { 'X-Subject-Token': subject },
    body: tokenBody(record, withCatalog ? catalog(baseUrl(), config) : undefined),
  };
}

export function keystoneRoutes(deps: KeystoneDeps): Router {
  return new Router()
    .add('POST', '/v3/auth/tokens', (ctx) => issueToken(ctx, deps))
    .add('GET', '/v3/auth/tokens', (ctx) => validateToken(ctx, deps));
}

export { unauthorized };
