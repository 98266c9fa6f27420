import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { fromAxiosError, requestIdOf } from './axios-errors';
import { CatalogEntrySchema, type CatalogEntry } from './catalog';
import { MalformedResponseError, type CallSite } from './http-errors';
import type { OpenStackSettings } from './settings';
import { Secret } from './secret';

/** A scoped token and what came with it. */
export interface IssuedToken {
  value: Secret;
  /** When the token stops working, on the local clock. */
  expiresAt: number;
  /** How long it was valid for when issued. */
  lifetimeMs: number;
  catalog: CatalogEntry[];
  projectId?: string;
  requestId?: string;
}

const TokenBodySchema = z.object({
  token: z.object({
    expires_at: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 time'),
    issued_at: z
      .string()
      .refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 time')
      .optional(),
    project: z.object({ id: z.string() }).optional(),
    catalog: z.array(CatalogEntrySchema).default([]),
  }),
});

/** The Keystone v3 password-auth request, scoped to the configured project. */
function authBody(settings: OpenStackSettings) {
  const project =
    'id' in settings.project
      ? { id: settings.project.id }
      : { name: settings.project.name, domain: { name: settings.project.domainName } };
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: {
            name: settings.username,
            domain: { name: settings.userDomainName },
            password: settings.password.reveal(),
          },
        },
      },
      scope: { project },
    },
  };
}

/**
 * Asks Keystone for a project-scoped token (POST /v3/auth/tokens). The token comes in the X-Subject-Token header,
 * its expiry and the service catalog in the body.
 *
 * @param now - the local clock; the token's lifetime is taken from Keystone's own issued_at/expires_at, so a skewed
 *   local clock does not make a token look expired (or valid) for too long.
 * @throws OpenStackHttpError (401 for wrong credentials), OpenStackTransportError, MalformedResponseError.
 */
export async function requestToken(
  http: AxiosInstance,
  settings: OpenStackSettings,
  now: () => number,
): Promise<IssuedToken> {
  const site: CallSite = { service: 'identity', method: 'POST', path: '/v3/auth/tokens' };
  const sentAt = now();
  let response;
  try {
    response = await http.post(`${settings.authUrl}/v3/auth/tokens`, authBody(settings));
  } catch (err) {
    throw fromAxiosError(err, site);
  }
  const token = response.headers['x-subject-token'] as unknown;
  if (typeof token !== 'string' || !token) {
    throw new MalformedResponseError(site, 'X-Subject-Token (header)', 'expected the token in this header');
  }
  const parsed = TokenBodySchema.safeParse(response.data);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw new MalformedResponseError(site, issue?.path.join('.') ?? '(body)', issue?.message ?? 'invalid');
  }
  const body = parsed.data.token;
  const expires = Date.parse(body.expires_at);
  const lifetime = body.issued_at ? expires - Date.parse(body.issued_at) : expires - Date.now();
  return {
    value: new Secret(token),
    expiresAt: sentAt + lifetime,
    lifetimeMs: lifetime,
    catalog: body.catalog,
    projectId: body.project?.id,
    requestId: requestIdOf(response.headers),
  };
}
