import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { selectEndpoint } from './catalog';
import { OpenStackHttpError } from './http-errors';
import { requestToken, type IssuedToken } from './keystone';
import { silentLogger, type Logger } from './logger';
import { ServiceResilience, type ResilienceOptions } from './resilience';
import { ServiceClient, type Credentials } from './service-client';
import type { OpenStackSettings } from './settings';
import { validateToken, type ValidatedToken } from './token-validation';

export interface SessionOptions {
  logger?: Logger;
  /** The local clock, in milliseconds. */
  now?: () => number;
  /** Backoff between retries; defaults to 200 ms doubling up to 5 s, with jitter. */
  backoff?: ResilienceOptions['backoff'];
  /** Renew a token this long before it expires (at most a quarter of its lifetime). Default 60 s. */
  renewBeforeExpiryMs?: number;
}

type ApiService = 'compute' | 'network';

/**
 * A Keystone v3 session shared by the Nova and Neutron drivers: one project-scoped token, cached and renewed shortly
 * before it expires (or once after a 401), the endpoints from its service catalog (or the explicit overrides), and
 * one {@link ServiceClient} per service, each with its own axios instance, retry policy and circuit breaker.
 */
export class OpenStackSession implements Credentials {
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  private readonly identityHttp: AxiosInstance;
  private readonly identityResilience: ServiceResilience;
  private readonly clients = new Map<ApiService, ServiceClient>();
  private current?: IssuedToken;
  private pending?: Promise<IssuedToken>;

  constructor(
    private readonly settings: OpenStackSettings,
    private readonly options: SessionOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.identityHttp = this.newHttp();
    // Keystone gets a breaker but no retries of its own: the calls that need a token retry as a whole.
    this.identityResilience = new ServiceResilience('identity', { ...this.resilience(), retries: 0 }, this.logger);
  }

  /** The client of `service`, made on first use. */
  service(service: ApiService): ServiceClient {
    let client = this.clients.get(service);
    if (!client) {
      client = new ServiceClient(
        service,
        this,
        this.newHttp(),
        new ServiceResilience(service, this.resilience(), this.logger),
        this.logger,
      );
      this.clients.set(service, client);
    }
    return client;
  }

  /** A valid token: the cached one, or a new one when it is about to expire. */
  async token(): Promise<string> {
    const current = this.current;
    if (current && !this.dueForRenewal(current)) return current.value.reveal();
    try {
      return (await this.issue(current ? 'the token is about to expire' : 'no token yet')).value.reveal();
    } catch (err) {
      // Renewal is early on purpose: while Keystone is unwell, a token that has not expired yet still works.
      if (current && current === this.current && current.expiresAt > this.now()) {
        this.logger.warn({ service: 'identity', error: (err as Error).message }, 'token renewal failed; using it');
        return current.value.reveal();
      }
      throw err;
    }
  }

  /**
   * Asks Keystone whose `subjectToken` is and what it may do, as this session's service user (Keystone lets users
   * with the `service` or `admin` role validate other tokens). A refused service token is renewed once.
   *
   * @returns undefined when Keystone does not know the token (unknown, expired or revoked).
   * @throws what Keystone or the network failed with; the circuit breaker opens when Keystone keeps failing.
   */
  async validateToken(subjectToken: string): Promise<ValidatedToken | undefined> {
    const ask = (serviceToken: string) =>
      this.identityResilience.guarded(() =>
        validateToken(this.identityHttp, this.settings.authUrl, serviceToken, subjectToken, this.now),
      );
    const serviceToken = await this.token();
    try {
      return await ask(serviceToken);
    } catch (err) {
      if (!(err instanceof OpenStackHttpError) || err.status !== 401) throw err;
      return ask(await this.renew(serviceToken));
    }
  }

  async renew(rejected: string): Promise<string> {
    // Several calls may see the same token refused; only the first asks Keystone for a new one.
    if (this.current && this.current.value.reveal() !== rejected) return this.current.value.reveal();
    this.current = undefined;
    return (await this.issue('the token was refused (401)')).value.reveal();
  }

  async endpoint(service: ApiService): Promise<string> {
    const override = this.settings.endpoints[service];
    const url = override ?? (await this.catalogEndpoint(service));
    const trimmed = url.replace(/\/+$/, '');
    // Neutron's catalog entry is usually unversioned, but some clouds register .../v2.0; requests name the version.
    return service === 'network' ? trimmed.replace(/\/v2\.0$/, '') : trimmed;
  }

  /** Releases the keep-alive connections. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async catalogEndpoint(service: ApiService): Promise<string> {
    // Any token's catalog will do: endpoints do not change when the token is renewed.
    if (!this.current) await this.token();
    const catalog = this.current?.catalog ?? [];
    return selectEndpoint(catalog, service, {
      interface: this.settings.interface,
      region: this.settings.regionName,
    });
  }

  private dueForRenewal(token: IssuedToken): boolean {
    const lifetimeLeft = token.expiresAt - this.now();
    const margin = Math.min(this.options.renewBeforeExpiryMs ?? 60_000, token.lifetimeMs / 4);
    return lifetimeLeft <= margin;
  }

  private issue(reason: string): Promise<IssuedToken> {
    this.pending ??= this.identityResilience
      .guarded(() => requestToken(this.identityHttp, this.settings, this.now))
      .then((token) => {
        this.current = token;
        this.logger.info(
          {
            service: 'identity',
            reason,
            projectId: token.projectId,
            expiresAt: new Date(token.expiresAt).toISOString(),
            requestId: token.requestId,
          },
          'Keystone token issued',
        );
        return token;
      })
      .catch((err: unknown) => {
        // Sanitised errors only: the axios error with the password in its body was dropped in requestToken.
        const status = err instanceof OpenStackHttpError ? err.status : undefined;
        const requestId = err instanceof OpenStackHttpError ? err.requestId : undefined;
        this.logger.warn(
          { service: 'identity', reason, status, requestId, error: (err as Error).message },
          'Keystone token request failed',
        );
        throw err;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  private resilience(): ResilienceOptions {
    return {
      retries: this.settings.retries,
      breakerThreshold: this.settings.breaker.threshold,
      halfOpenMs: this.settings.breaker.halfOpenMs,
      backoff: this.options.backoff,
    };
  }

  private newHttp(): AxiosInstance {
    return axios.create({
      timeout: this.settings.timeoutMs,
      httpAgent: this.agents.http,
      httpsAgent: this.agents.https,
      headers: { Accept: 'application/json', 'User-Agent': 'amphora-orchestrator' },
    });
  }
}
