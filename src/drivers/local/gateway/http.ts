import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders, type RequestOptions } from 'node:http';
import type { Socket } from 'node:net';
import { ValidationError } from '../../errors';
import type { Dial } from './client';
import { FabricHttpError } from './errors';

/** Options of one HTTP exchange through a {@link Dial}. */
export interface FabricHttpOptions {
  /** Default GET. */
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
  /** Bounds the whole exchange: the tunnel's connect and the full answer. Default 2000 ms. */
  timeoutMs?: number;
}

/** A complete answer. */
export interface FabricHttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * Sends one plain-HTTP request to `url` over a new connection from `dial`, and reads the whole answer.
 *
 * Node's `http.request` is given the dialled socket through `createConnection` and NO `agent`: with `agent: false`
 * it builds a fresh Agent that ignores `createConnection` and connects to the URL's host directly, which on this
 * host sends fabric traffic out of the real network card (FINDINGS §0).
 * @throws {GatewayDialError} when the tunnel cannot be opened.
 * @throws {FabricHttpError} when the exchange fails or outlasts `timeoutMs` (`timedOut` says which).
 * @throws {ValidationError} when `url` is not an http:// URL.
 */
export async function httpRequest(
  dial: Dial,
  url: string | URL,
  options: FabricHttpOptions = {},
): Promise<FabricHttpResponse> {
  const target = new URL(url);
  if (target.protocol !== 'http:') {
    throw new ValidationError(
      'url',
      `an http:// URL (got ${target.href}); for TLS wrap a dialled socket with tls.connect({ socket })`,
    );
  }
  const method = options.method ?? 'GET';
  const timeoutMs = options.timeoutMs ?? 2000;
  const deadline = Date.now() + timeoutMs;
  const port = target.port === '' ? 80 : Number(target.port);
  // URL keeps IPv6 literals in brackets; the gateway takes only IPv4 and says so.
  const socket = await dial(target.hostname, port, { timeoutMs });
  return exchange({
    socket,
    target,
    port,
    method,
    options,
    timeoutMs,
    remainingMs: Math.max(1, deadline - Date.now()),
  });
}

/** {@link httpRequest} with method GET. */
export function httpGet(
  dial: Dial,
  url: string | URL,
  options: Omit<FabricHttpOptions, 'method' | 'body'> = {},
): Promise<FabricHttpResponse> {
  return httpRequest(dial, url, { ...options, method: 'GET' });
}

/** One request over an open tunnel, with what is left of its time. */
interface Exchange {
  readonly socket: Socket;
  readonly target: URL;
  readonly port: number;
  readonly method: string;
  readonly options: FabricHttpOptions;
  readonly timeoutMs: number;
  readonly remainingMs: number;
}

function exchange({
  socket,
  target,
  port,
  method,
  options,
  timeoutMs,
  remainingMs,
}: Exchange): Promise<FabricHttpResponse> {
  return new Promise((resolve, reject) => {
    const requestOptions: RequestOptions = {
      method,
      host: target.hostname,
      port,
      path: `${target.pathname}${target.search}`,
      headers: options.headers,
      // `agent` stays unset on purpose; see httpRequest.
      createConnection: () => socket,
    };
    const req = request(requestOptions, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.once('error', fail);
    });
    const timer = setTimeout(() => {
      req.destroy(new FabricHttpError(method, target.href, `no complete answer within ${timeoutMs} ms`, true));
    }, remainingMs);
    function fail(error: Error): void {
      clearTimeout(timer);
      socket.destroy();
      const wrapped = new FabricHttpError(method, target.href, error.message, false, { cause: error });
      reject(error instanceof FabricHttpError ? error : wrapped);
    }
    req.once('error', fail);
    req.end(options.body);
  });
}
