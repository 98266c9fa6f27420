import { isAxiosError } from 'axios';
import { readApiErrorBody } from './api-error-body';
import { type CallSite, OpenStackHttpError, OpenStackTransportError } from './http-errors';

/** The request id the API gave a response: Nova sets both headers, Neutron and Keystone the first. */
export function requestIdOf(headers: unknown): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const read = (name: string) => {
    const value = (headers as Record<string, unknown>)[name];
    return typeof value === 'string' && value ? value : undefined;
  };
  return read('x-openstack-request-id') ?? read('x-compute-request-id');
}

/**
 * Turns what axios threw into a sanitised {@link OpenStackHttpError} or {@link OpenStackTransportError}. The axios
 * error itself is dropped: it holds the request headers (the token) and body (for Keystone, the password).
 */
export function fromAxiosError(err: unknown, site: CallSite): Error {
  if (!isAxiosError(err)) return err instanceof Error ? err : new Error(String(err));
  const response = err.response;
  if (response) {
    const body = readApiErrorBody(response.status, response.data, response.statusText);
    return new OpenStackHttpError(site, response.status, body.message, body.type, requestIdOf(response.headers));
  }
  const code = err.code ?? 'ERR_NETWORK';
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
  const cause = (err.cause as { code?: unknown } | undefined)?.code;
  const detail = timedOut
    ? `no answer within the timeout (${err.message})`
    : `${typeof cause === 'string' ? cause : code}: ${err.message || 'connection failed'}`;
  return new OpenStackTransportError(site, typeof cause === 'string' ? cause : code, timedOut, detail);
}
