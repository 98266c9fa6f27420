import type { AxiosInstance } from 'axios';
import type { z } from 'zod';
import { callSignal } from '../call-signal';
import { fromAxiosError, requestIdOf } from './axios-errors';
import { type CallSite, MalformedResponseError, OpenStackHttpError } from './http-errors';
import type { Logger } from './logger';
import type { ServiceResilience } from './resilience';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One API call, relative to the service's endpoint. */
export interface ServiceRequest {
  method: HttpMethod;
  /** For example `servers/detail` (Nova) or `v2.0/ports` (Neutron). */
  path: string;
  params?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ServiceResponse {
  status: number;
  data: unknown;
  requestId?: string;
}

/** Where a service client gets its token and endpoint: the Keystone session. */
export interface Credentials {
  token(): Promise<string>;
  /** A new token after `rejected` was refused with a 401. */
  renew(rejected: string): Promise<string>;
  endpoint(service: 'compute' | 'network'): Promise<string>;
}

// GET, PUT and DELETE can be repeated without a second effect; a POST cannot (it may have created something).
const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);

/**
 * Calls one OpenStack service: adds the token, replays a call once with a new token after a 401, retries idempotent
 * calls after transient failures, keeps a circuit breaker, logs each call with its request id (never a header or a
 * body), and turns failures into the sanitised errors of `./http-errors`.
 */
export class ServiceClient {
  constructor(
    readonly service: 'compute' | 'network',
    private readonly credentials: Credentials,
    private readonly http: AxiosInstance,
    private readonly resilience: ServiceResilience,
    private readonly logger: Logger,
  ) {}

  /** Sends a request and returns the raw response. */
  request(request: ServiceRequest): Promise<ServiceResponse> {
    const site: CallSite = { service: this.service, method: request.method, path: `/${request.path}` };
    return this.resilience.retrying(IDEMPOTENT.has(request.method), async () => {
      const endpoint = await this.credentials.endpoint(this.service);
      const token = await this.credentials.token();
      try {
        return await this.resilience.guarded(() => this.send(endpoint, token, request, site));
      } catch (err) {
        if (!(err instanceof OpenStackHttpError) || err.status !== 401) throw err;
        this.logger.warn({ ...site, requestId: err.requestId }, 'token refused (401); renewing it and replaying once');
        const renewed = await this.credentials.renew(token);
        return await this.resilience.guarded(() => this.send(endpoint, renewed, request, site));
      }
    });
  }

  /**
   * Sends a request and parses the answer with `schema`.
   *
   * @throws MalformedResponseError naming the first missing or mistyped field.
   */
  async json<S extends z.ZodType>(request: ServiceRequest, schema: S): Promise<z.output<S>> {
    const response = await this.request(request);
    const parsed = schema.safeParse(response.data);
    if (parsed.success) return parsed.data;
    const [issue] = parsed.error.issues;
    const site: CallSite = { service: this.service, method: request.method, path: `/${request.path}` };
    const error = new MalformedResponseError(site, issue?.path.join('.') || '(body)', issue?.message ?? 'invalid');
    this.logger.error({ ...site, requestId: response.requestId, field: error.field }, 'malformed API response');
    throw error;
  }

  private async send(
    endpoint: string,
    token: string,
    request: ServiceRequest,
    site: CallSite,
  ): Promise<ServiceResponse> {
    const started = Date.now();
    try {
      const response = await this.http.request({
        baseURL: endpoint,
        url: request.path,
        method: request.method,
        params: request.params,
        data: request.body,
        headers: { ...request.headers, 'X-Auth-Token': token },
        // An abandoned call (its activity attempt timed out or was cancelled) stops here, and creates nothing late.
        signal: callSignal(),
      });
      const requestId = requestIdOf(response.headers);
      this.logger.debug(
        { ...site, status: response.status, requestId, durationMs: Date.now() - started },
        'OpenStack call',
      );
      return { status: response.status, data: response.data as unknown, requestId };
    } catch (err) {
      const failure = fromAxiosError(err, site);
      const durationMs = Date.now() - started;
      if (failure instanceof OpenStackHttpError) {
        // A 4xx is an answer (not found, conflict), often an expected one; only a 5xx says the service is unwell.
        const level = failure.status >= 500 ? 'warn' : 'debug';
        this.logger[level](
          { ...site, status: failure.status, apiType: failure.apiType, requestId: failure.requestId, durationMs },
          'OpenStack call failed',
        );
      } else {
        this.logger.warn({ ...site, code: (failure as { code?: unknown }).code, durationMs }, 'OpenStack call failed');
      }
      throw failure;
    }
  }
}
