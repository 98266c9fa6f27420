/**
 * The controller's side of the agent API: HTTPS over a socket from a {@link Dial} (never a connection from this
 * namespace), with the controller's client certificate, the CA pinned, and the agent's certificate required to
 * name the amphora. Transport failures become {@link AmphoraUnreachableError} here, and only here.
 */
import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { callSignal } from '../../call-signal';
import { checkServerIdentity, connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { AgentErrorBody } from '../../../agent/api';
import type { Dial } from '../../local/gateway/client';
import { AmphoraDriverError, AmphoraUnreachableError } from '../errors';
import type { LocalPki } from './pki';
import { amphoraName } from '../../../models';

/** Where an amphora's agent is. */
export interface AgentTarget {
  amphoraId: string;
  address: string;
}

/** A 2xx answer. */
export interface AgentResponse {
  status: number;
  body: string;
}

/** What an {@link AgentClient} is built from. */
export interface AgentClientOptions {
  dial: Dial;
  pki: LocalPki;
  port: number;
  /** How long a whole call may take (connect, handshake, answer). */
  timeoutMs: number;
  /** How long the TCP connect may take: an amphora whose namespace is gone never answers the SYN. */
  connectTimeoutMs: number;
}

/**
 * The agent answered with an error status. 4xx are not retryable (the same request fails the same way), 5xx are.
 * The driver turns the ones it expects (a refused configuration, nothing configured) into their own errors.
 */
export class AgentRequestError extends AmphoraDriverError {
  constructor(
    readonly amphoraId: string,
    readonly request: string,
    readonly status: number,
    /** The agent's `message`. */
    readonly agentMessage: string,
    /** The agent's `details`: haproxy's or keepalived's own output, where they said something. */
    readonly details: string,
  ) {
    const detail = details.split('\n').find((line) => line.trim() !== '');
    const todo =
      status >= 500 ? "retry, and see the agent's log if it persists" : 'fix the request; retrying will not help';
    super(
      `The agent of ${amphoraName(amphoraId)} answered ${status} to ${request}: ${agentMessage}${detail ? ` (${detail.trim()})` : ''}; ${todo}`,
      { retryable: status >= 500 },
    );
  }
}

/** Calls one amphora agent per request, each over a new connection. */
export class AgentClient {
  constructor(private readonly options: AgentClientOptions) {}

  /**
   * Sends `method path` with `body` (text as is, anything else as JSON) and returns the 2xx answer.
   *
   * @throws AmphoraUnreachableError when the agent cannot be connected to, the TLS handshake fails (another CA,
   * a certificate that names another amphora), or no answer comes in time.
   * @throws AgentRequestError for any other status.
   */
  async request(target: AgentTarget, method: string, path: string, body?: unknown): Promise<AgentResponse> {
    const where = `${target.address}:${this.options.port}`;
    const unreachable = (what: string, err: unknown) =>
      new AmphoraUnreachableError(target.amphoraId, `${what} (agent at ${where}): ${messageOf(err)}`, { cause: err });
    const deadline = Date.now() + this.options.timeoutMs;
    let socket: Socket;
    try {
      socket = await this.options.dial(target.address, this.options.port, {
        timeoutMs: Math.min(this.options.connectTimeoutMs, this.options.timeoutMs),
      });
    } catch (err) {
      throw unreachable('cannot connect to its agent', err);
    }
    // An abandoned attempt (timed out, cancelled) stops here: its request must not land after the retry or the undo.
    const signal = callSignal();
    const abandon = () => socket.destroy(new Error('the call was abandoned: its attempt timed out or was cancelled'));
    if (signal?.aborted) abandon();
    signal?.addEventListener('abort', abandon, { once: true });
    try {
      return await this.exchangeOver(socket, { target, method, path, body, where, deadline, unreachable });
    } finally {
      signal?.removeEventListener('abort', abandon);
    }
  }

  /** The TLS handshake and the request over a connected socket. */
  private async exchangeOver(socket: Socket, call: PendingCall): Promise<AgentResponse> {
    const { target, method, path, body, where, deadline, unreachable } = call;
    let secure: TLSSocket;
    try {
      secure = await this.handshake(socket, target.amphoraId, deadline);
    } catch (err) {
      socket.destroy();
      throw unreachable('the TLS handshake with its agent failed', err);
    }
    let response: AgentResponse;
    try {
      response = await exchange(secure, { method, path, host: where, body }, deadline);
    } catch (err) {
      throw unreachable(`its agent did not answer ${method} ${path}`, err);
    } finally {
      secure.destroy();
    }
    if (response.status >= 200 && response.status < 300) return response;
    const error = parseError(response.body);
    throw new AgentRequestError(target.amphoraId, `${method} ${path}`, response.status, error.message, error.details);
  }

  private handshake(socket: Socket, amphoraId: string, deadline: number): Promise<TLSSocket> {
    const { pki } = this.options;
    return new Promise((resolve, reject) => {
      const secure = tlsConnect({
        socket,
        ca: pki.caCertPem,
        cert: pki.clientCertPem,
        key: pki.clientKeyPem,
        servername: amphoraId,
        // The CA signs every amphora's certificate: only the name tells this amphora's agent from another's.
        checkServerIdentity: (_host, cert) => checkServerIdentity(amphoraId, cert),
      });
      const timer = setTimeout(
        () => secure.destroy(new Error('no TLS handshake within the timeout')),
        Math.max(0, deadline - Date.now()),
      );
      secure.once('secureConnect', () => {
        clearTimeout(timer);
        secure.removeListener('error', onError);
        resolve(secure);
      });
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      secure.once('error', onError);
    });
  }
}

/** One agent call in progress: what it asks, where, until when, and how its failures read. */
interface PendingCall {
  target: AgentTarget;
  method: string;
  path: string;
  body: unknown;
  /** `address:port`, for messages and the Host header. */
  where: string;
  deadline: number;
  unreachable: (what: string, err: unknown) => AmphoraUnreachableError;
}

interface Exchange {
  method: string;
  path: string;
  host: string;
  body: unknown;
}

/** One HTTP request and its answer over the TLS socket. */
function exchange(secure: TLSSocket, call: Exchange, deadline: number): Promise<AgentResponse> {
  const payload =
    call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
  const contentType = typeof call.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  return new Promise((resolve, reject) => {
    // `createConnection` with `agent` left unset: `agent: false` would ignore it and dial directly (FINDINGS §0).
    const req = httpRequest(
      {
        method: call.method,
        path: call.path,
        headers: {
          host: call.host,
          connection: 'close',
          ...(payload === undefined
            ? {}
            : { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }),
        },
        createConnection: () => secure,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.once('error', reject);
      },
    );
    req.setTimeout(Math.max(1, deadline - Date.now()), () => req.destroy(new Error('no answer within the timeout')));
    req.once('error', reject);
    req.end(payload);
  });
}

function parseError(body: string): AgentErrorBody {
  try {
    const parsed = JSON.parse(body) as Partial<AgentErrorBody>;
    return { message: String(parsed.message ?? 'error'), details: String(parsed.details ?? '') };
  } catch {
    return { message: body.trim() || 'no error message', details: '' };
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
