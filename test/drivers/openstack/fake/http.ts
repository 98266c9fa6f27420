import type { IncomingMessage } from 'node:http';
/** Plumbing of the fake OpenStack server: a tiny router, request context and error answers. */

export type Service = 'identity' | 'compute' | 'network';

export interface RequestContext {
  method: string;
  /** The path below the service prefix, for example `/servers/abc` or `/v2.0/ports`. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => Reply;

/** An error answer, thrown by a handler. */
export class ApiFault extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`fault ${status}`);
  }
}

/** Nova's error body: one key naming the kind of fault. */
export function novaFault(status: number, message: string): ApiFault {
  const kind =
    {
      400: 'badRequest',
      403: 'forbidden',
      404: 'itemNotFound',
      409: 'conflictingRequest',
      500: 'computeFault',
      503: 'serviceUnavailable',
    }[status] ?? 'computeFault';
  return new ApiFault(status, { [kind]: { code: status, message } });
}

/** Neutron's error body. */
export function neutronFault(status: number, type: string, message: string): ApiFault {
  return new ApiFault(status, { NeutronError: { type, message, detail: '' } });
}

/** Keystone's (and keystonemiddleware's) error body. */
export function keystoneFault(status: number, title: string, message: string): ApiFault {
  return new ApiFault(status, { error: { code: status, title, message } });
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: Handler): this {
    const names: string[] = [];
    const source = template.replace(/:(\w+)/g, (_match, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (!found) continue;
      const params = Object.fromEntries(
        route.names.map((name, index) => [name, decodeURIComponent(found[index + 1] ?? '')]),
      );
      return { handler: route.handler, params };
    }
    return undefined;
  }
}

/** Reads `body[key]` as an object, or fails as the API would on a malformed request. */
export function objectField(body: unknown, key: string, fault: (message: string) => ApiFault): Record<string, unknown> {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw fault(`'${key}' is a required property`);
  return value as Record<string, unknown>;
}

/** Pages a list as Nova and Neutron do: `limit` (capped at `maxLimit`), `marker`, and a `next` link when full. */
export function page<T extends { id: string }>(
  items: T[],
  query: URLSearchParams,
  maxLimit: number | undefined,
  linkBase: string,
  onBadMarker: (marker: string) => ApiFault,
): { items: T[]; next?: string } {
  const marker = query.get('marker');
  let start = 0;
  if (marker) {
    const index = items.findIndex((item) => item.id === marker);
    if (index < 0) throw onBadMarker(marker);
    start = index + 1;
  }
  const asked = query.get('limit') ? Number(query.get('limit')) : undefined;
  const limit = asked !== undefined && maxLimit !== undefined ? Math.min(asked, maxLimit) : (asked ?? maxLimit);
  if (limit === undefined) return { items: items.slice(start) };
  const slice = items.slice(start, start + limit);
  const last = slice[slice.length - 1];
  if (slice.length < limit || !last) return { items: slice };
  const next = new URLSearchParams(query);
  next.set('limit', String(limit));
  next.set('marker', last.id);
  return { items: slice, next: `${linkBase}?${next.toString()}` };
}

/** A request field as text, or `fallback` when it is absent or not a string. */
export const text = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A 5xx (or other) answer as the service, or a proxy in front of it, would give it. */
export function failure(service: Service, status: number, html = false): Reply {
  if (html) {
    return {
      status,
      body: `<html><body><h1>${status} Bad Gateway</h1>The server returned an invalid response.</body></html>`,
    };
  }
  const message = 'The server has either erred or is incapable of performing the requested operation.';
  if (service === 'compute') return { status, body: { computeFault: { code: status, message } } };
  if (service === 'network')
    return { status, body: { NeutronError: { type: 'HTTPInternalServerError', message, detail: '' } } };
  return { status, body: keystoneFault(status, 'Internal Server Error', message).body };
}
