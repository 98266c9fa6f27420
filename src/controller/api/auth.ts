import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { ApiAuth } from '../settings';
import type { ApiEnv, Caller } from './context';
import { ApiFault } from './faults';
import type { KeystoneAuthenticator } from './keystone-auth';
import { staticTokenGrants } from './policy';

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks `X-Auth-Token` and sets the caller: with Keystone, the token's project and roles (see
 * {@link KeystoneAuthenticator}); with static tokens, a token bound to a project acts within it and one without a
 * project is an operator's; in no-auth mode (explicitly enabled, warned about at start) every caller is an operator.
 */
export function authenticate(auth: ApiAuth, keystone?: KeystoneAuthenticator): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (auth.mode === 'noauth') {
      c.set('caller', staticTokenGrants(undefined));
      return next();
    }
    const presented = c.req.header('X-Auth-Token');
    if (!presented) throw new ApiFault(401, 'Authentication required: send a token in the X-Auth-Token header.');
    let caller: Caller | undefined;
    if (auth.mode === 'keystone') {
      if (!keystone) throw new Error('Keystone authentication is configured but no authenticator was given');
      caller = await keystone.callerFor(presented);
    } else {
      const match = auth.tokens.find((entry) => same(entry.token, presented));
      caller = match && {
        ...staticTokenGrants(match.projectId),
        ...(match.projectId ? { projectId: match.projectId } : {}),
      };
    }
    if (!caller) throw new ApiFault(401, 'The token in X-Auth-Token is not valid (unknown, expired or revoked).');
    c.set('caller', caller);
    return next();
  };
}
