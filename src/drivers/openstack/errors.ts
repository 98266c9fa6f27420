import { isAxiosError } from 'axios';
import { ComputeError } from '../compute/errors';
import { DriverError, type DriverErrorOptions } from '../errors';
import { NetworkError } from '../network/errors';
import { fromAxiosError } from './axios-errors';
import {
  CircuitOpenError,
  EndpointNotFoundError,
  MalformedResponseError,
  OpenStackHttpError,
  OpenStackTransportError,
  type ServiceType,
} from './http-errors';

/**
 * Builds the driver error for one outcome. `message` is the whole sentence ("<action> failed: <reason>"); `reason`
 * is the part after the colon, for error classes that compose their own message.
 */
export type ErrorFactory = (message: string, options: DriverErrorOptions, reason: string) => DriverError;

/** What the call was for, and which error of the family each outcome becomes. */
export interface ErrorContext {
  /** What was attempted, for example `Reading amphora 3f2c`; messages read "<action> failed: <reason>". */
  action: string;
  /** A 404. Default: the family error, not retryable. */
  notFound?: ErrorFactory;
  /**
   * A 409. Default: the family error; retryable for Nova's instance-state conflicts (building, locked), which pass,
   * and not for resources in use.
   */
  conflict?: ErrorFactory;
  /** Everything else. Default: ComputeError / NetworkError. */
  other?: ErrorFactory;
}

const API_NAME: Record<ServiceType, string> = { identity: 'Keystone', compute: 'Nova', network: 'Neutron' };

/** The message and retryability of a failure, whatever its family. */
interface Outcome {
  reason: string;
  retryable: boolean;
  status?: number;
  cause: Error;
}

function outcomeOf(raw: unknown, family: 'compute' | 'network'): Outcome {
  const err = isAxiosError(raw)
    ? fromAxiosError(raw, {
        service: family,
        method: raw.config?.method?.toUpperCase() ?? '?',
        path: raw.config?.url ?? '?',
      })
    : raw;
  if (err instanceof OpenStackHttpError) {
    const api = API_NAME[err.site.service];
    const request = err.requestId ? ` (request ${err.requestId})` : '';
    const kind = err.apiType ? ` ${err.apiType}` : '';
    const reason = `${api} answered ${err.site.method} ${err.site.path} with ${err.status}${kind}: "${err.apiMessage}"${request}`;
    const identity = err.site.service === 'identity';
    const hint =
      identity && err.status === 401
        ? '; check OS_USERNAME, OS_PASSWORD and the project and domain settings'
        : identity && err.status === 404
          ? '; check OS_AUTH_URL'
          : err.status === 401 || err.status === 403
            ? '; check the roles of the service user'
            : '';
    const retryable =
      (err.status >= 500 && err.status !== 501) ||
      err.status === 429 ||
      (err.status === 409 && err.site.service === 'compute' && !isInUseConflict(err));
    // A 404 from Keystone says nothing about the resource asked for: it is a wrong OS_AUTH_URL.
    const status = identity && err.status === 404 ? undefined : err.status;
    return { reason: reason + hint, retryable, status, cause: err };
  }
  if (err instanceof OpenStackTransportError) {
    const effect = err.site.method === 'POST' ? '; it may or may not have acted' : '';
    return {
      reason: `no answer from ${API_NAME[err.site.service]} to ${err.site.method} ${err.site.path} (${err.code})${effect}`,
      retryable: true,
      cause: err,
    };
  }
  if (err instanceof CircuitOpenError) return { reason: err.message, retryable: true, cause: err };
  if (err instanceof MalformedResponseError) {
    const api = API_NAME[err.site.service];
    return {
      reason: `${api}'s answer to ${err.site.method} ${err.site.path} has no valid field ${err.field} (${err.problem})`,
      retryable: false,
      cause: err,
    };
  }
  if (err instanceof EndpointNotFoundError) return { reason: err.message, retryable: false, cause: err };
  const cause = err instanceof Error ? err : new Error(String(err));
  return { reason: `unexpected error: ${cause.message}`, retryable: false, cause };
}

function translate(raw: unknown, context: ErrorContext, family: 'compute' | 'network', base: ErrorFactory) {
  if (raw instanceof DriverError) return raw;
  const outcome = outcomeOf(raw, family);
  const message = `${context.action} failed: ${outcome.reason}`;
  const options = { retryable: outcome.retryable, cause: outcome.cause };
  if (outcome.status === 404)
    return (context.notFound ?? base)(message, { ...options, retryable: false }, outcome.reason);
  if (outcome.status === 409 && context.conflict) return context.conflict(message, options, outcome.reason);
  return (context.other ?? base)(message, options, outcome.reason);
}

/**
 * Turns whatever a Nova (or Keystone) call threw into the compute driver's error family: the one place that knows
 * status codes. 404 -> `context.notFound` (not retryable); 409 -> `context.conflict`; 400, 401, 403 and malformed
 * answers are not retryable; 5xx, 429, timeouts, connection errors and an open circuit are. Errors of the driver
 * families pass through unchanged.
 */
export function toComputeError(err: unknown, context: ErrorContext): DriverError {
  return translate(err, context, 'compute', (message, options) => new ComputeError(message, options));
}

/** The same for the network driver: Neutron's (and Nova's, for interfaces) failures become NetworkErrors. */
export function toNetworkError(err: unknown, context: ErrorContext): DriverError {
  return translate(err, context, 'network', (message, options) => new NetworkError(message, options));
}

/** The HTTP status of a failure, when the API answered. */
export function statusOf(err: unknown): number | undefined {
  return err instanceof OpenStackHttpError ? err.status : undefined;
}

/** Neutron's error type (`IpAddressGenerationFailure`) or Nova's fault key (`itemNotFound`). */
export function apiTypeOf(err: unknown): string | undefined {
  return err instanceof OpenStackHttpError ? err.apiType : undefined;
}

/** Runs `body`, translating what it throws with `translate` in `context`. */
export async function mapErrors<T>(
  translate: (err: unknown, context: ErrorContext) => DriverError,
  context: ErrorContext,
  body: () => Promise<T>,
): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw translate(err, context);
  }
}

/** Awaits an undo call, treating a 404 (already gone) as success. */
export async function goneIsDone(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
}

/**
 * Nova's 409 on an attach means either that the port is in use (which retrying cannot fix) or that the instance is
 * in a state that forbids it for now (building, locked), which passes.
 */
export function isInUseConflict(err: unknown): boolean {
  return err instanceof OpenStackHttpError && err.status === 409 && /in use|already/i.test(err.apiMessage);
}
