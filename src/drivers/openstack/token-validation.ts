import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { fromAxiosError } from './axios-errors';
import { MalformedResponseError, OpenStackHttpError, type CallSite } from './http-errors';

/** What Keystone says about a token someone presented: whose it is, where it is scoped, and with which roles. */
export interface ValidatedToken {
  userId: string;
  /** The project the token is scoped to; absent for a domain- or system-scoped token. */
  projectId?: string;
  /** Effective role names, implied roles included (Keystone expands them in the token). */
  roles: string[];
  /** When it stops working, on the local clock. */
  expiresAt: number;
}

const time = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 time');

const ValidationBodySchema = z.object({
  token: z.object({
    expires_at: time,
    issued_at: time.optional(),
    user: z.object({ id: z.string() }),
    project: z.object({ id: z.string() }).optional(),
    roles: z.array(z.object({ name: z.string() })).default([]),
  }),
});

/**
 * Asks Keystone about a token (GET /v3/auth/tokens with X-Subject-Token, Keystone's validate call; `nocatalog`, since
 * only the scope and roles are needed), authenticated with the service's own token.
 *
 * @param now - the local clock; the expiry is taken as Keystone's lifetime from now, so skew does not extend it.
 * @returns the token's owner, scope and roles, or undefined when Keystone does not know the token (404: unknown,
 *   expired or revoked).
 * @throws OpenStackHttpError (401 when the service's own token was refused; callers renew it and ask once more),
 *   OpenStackTransportError, MalformedResponseError.
 */
export async function validateToken(
  http: AxiosInstance,
  authUrl: string,
  serviceToken: string,
  subjectToken: string,
  now: () => number,
): Promise<ValidatedToken | undefined> {
  const site: CallSite = { service: 'identity', method: 'GET', path: '/v3/auth/tokens' };
  const askedAt = now();
  let response;
  try {
    response = await http.get(`${authUrl}/v3/auth/tokens?nocatalog`, {
      headers: { 'X-Auth-Token': serviceToken, 'X-Subject-Token': subjectToken },
    });
  } catch (err) {
    const failure = fromAxiosError(err, site);
    if (failure instanceof OpenStackHttpError && failure.status === 404) return undefined;
    throw failure;
  }
  const parsed = ValidationBodySchema.safeParse(response.data);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw new MalformedResponseError(site, issue?.path.join('.') ?? '(body)', issue?.message ?? 'invalid');
  }
  const { token } = parsed.data;
  const expires = Date.parse(token.expires_at);
  const left = token.issued_at ? expires - Date.parse(token.issued_at) : expires - Date.now();
  return {
    userId: token.user.id,
    projectId: token.project?.id,
    roles: token.roles.map((role) => role.name),
    expiresAt: askedAt + Math.max(0, Math.min(left, expires - Date.now())),
  };
}
