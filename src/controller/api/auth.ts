import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { ApiAuth } from '../settings';
import type { ApiEnv } from './context';
import { ApiFault } from './faults';

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks `X-Auth-Token` against the configured tokens: a token bound to a project acts within it, one without a
 * project is an operator's. In no-auth mode (explicitly enabled, warned about at start) every caller is an operator.
 */
export function authenticate(auth: ApiAuth): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (auth.mode === 'noauth') {
      c.set('caller', { admin: true });
      return next();
    }
    const presented = c.req.header('X-Auth-Token');
    if (!presented) throw new ApiFault(401, 'Authentication required: send a token in the X-Auth-Token header.');
    const match = auth.tokens.find((entry) => same(entry.token, presented));
    if (!match) throw new ApiFault(401, 'The token in X-Auth-Token is not valid.');
    c.set('caller', match.projectId ? { projectId: match.projectId, admin: false } : { admin: true });
    return next();
  };
}
