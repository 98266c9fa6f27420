import { FabricHttpError, GatewayDialError } from '../gateway/errors';
import type { FabricHttpResponse } from '../gateway/http';

/** Who answered: the first word of the body, which member servers make their name. */
export function firstWord(response: Pick<FabricHttpResponse, 'body'>): string {
  return response.body.trim().split(/\s+/)[0] ?? '';
}

/** Whether an answer counts as served: any 2xx. */
export function isServed(response: Pick<FabricHttpResponse, 'status'>): boolean {
  return response.status >= 200 && response.status < 300;
}

/**
 * A short, stable name for why a request failed, to count failures by: the dial's reason (`refused`, `timed-out`,
 * `not-allowed`, `unreachable`, `gateway-unavailable`, `gateway-protocol`), `reset` for a connection dropped
 * mid-answer, `status <code>` for an answer that is not a 2xx, or the error's name.
 */
export function failureReason(failure: unknown): string {
  if (failure instanceof GatewayDialError) return failure.reason;
  if (failure instanceof FabricHttpError) {
    if (failure.timedOut) return 'timed-out';
    const code = (failure.cause as NodeJS.ErrnoException | undefined)?.code;
    return code === 'ECONNRESET' || code === 'EPIPE' ? 'reset' : 'http-error';
  }
  if (failure instanceof Error) return failure.name;
  return 'unknown';
}
