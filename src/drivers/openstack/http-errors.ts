/**
 * What went wrong talking to an OpenStack API, in sanitised form. axios errors carry the request's headers (the
 * token) and body (the password, for Keystone); these classes keep only the method, path, status, request id and the
 * API's own message, so they can travel as an error's `cause` into logs and Temporal failures without leaking a
 * secret. `toComputeError` / `toNetworkError` turn them into the driver error families.
 */

/** The API services the drivers talk to, named by their catalog type. */
export type ServiceType = 'identity' | 'compute' | 'network';

/** Where a failed call went. */
export interface CallSite {
  service: ServiceType;
  method: string;
  path: string;
}

const describe = (site: CallSite) => `${site.service} API ${site.method} ${site.path}`;

/** The API answered with an error status. */
export class OpenStackHttpError extends Error {
  override readonly name = 'OpenStackHttpError';
  constructor(
    readonly site: CallSite,
    readonly status: number,
    /** The API's own explanation, from its error body (Nova's `itemNotFound.message`, `NeutronError.message`). */
    readonly apiMessage: string,
    /** The kind of error the body names: Nova's top-level key (`itemNotFound`) or Neutron's `type`. */
    readonly apiType?: string,
    readonly requestId?: string,
  ) {
    super(`${describe(site)} answered ${status}${apiType ? ` ${apiType}` : ''}: ${apiMessage}`);
  }
}

/** No answer: a timeout, a refused or reset connection, a dropped response. */
export class OpenStackTransportError extends Error {
  override readonly name = 'OpenStackTransportError';
  constructor(
    readonly site: CallSite,
    /** The system error code (ECONNREFUSED, ECONNRESET, ETIMEDOUT, ECONNABORTED, ...). */
    readonly code: string,
    readonly timedOut: boolean,
    detail: string,
  ) {
    super(`${describe(site)} got no answer: ${detail}`);
  }
}

/** The circuit breaker of a service is open: calls fail fast until `retryAt`. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  constructor(
    readonly service: ServiceType,
    readonly retryAt: Date,
    readonly threshold: number,
    lastFailure: string,
  ) {
    super(
      `the circuit breaker for the OpenStack ${service} API is open after ${threshold} consecutive failures ` +
        `(last: ${lastFailure}); calls fail fast until ${retryAt.toISOString()}, when one trial call is let through`,
    );
  }
}

/** The API answered successfully, but not with the shape its reference documents. */
export class MalformedResponseError extends Error {
  override readonly name = 'MalformedResponseError';
  constructor(
    readonly site: CallSite,
    /** Dotted path of the missing or mistyped field, for example `server.status`. */
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${describe(site)} answered with a malformed body: field ${field}: ${problem}`);
  }
}

/** No usable endpoint for a service: the catalog lacks it, or has none in the configured region or interface. */
export class EndpointNotFoundError extends Error {
  override readonly name = 'EndpointNotFoundError';
  constructor(
    readonly service: ServiceType,
    /** The setting to change: OS_REGION_NAME, OS_INTERFACE, or the explicit endpoint variable. */
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

/** Whether a failure is worth retrying and counts against the service's circuit breaker. */
export function isTransient(err: unknown): boolean {
  if (err instanceof OpenStackTransportError) return true;
  if (err instanceof OpenStackHttpError) return err.status >= 500 && err.status !== 501;
  return false;
}
