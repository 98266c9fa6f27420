import { connect, type Socket } from 'node:net';
import { ValidationError } from '../../errors';
import {
  DestinationNotAllowedError,
  DestinationRefusedError,
  DestinationTimeoutError,
  DestinationUnreachableError,
  GatewayProtocolError,
  GatewayUnavailableError,
  type GatewayDialError,
} from './errors';
import { ERROR_CODE_HEADER, ERROR_TEXT_HEADER, formatConnect, parseStatusLine, readHead, type Head } from './protocol';

/** Options of one dial. */
export interface DialOptions {
  /** How long the TCP connect inside the fabric may take; a SYN to an address nobody owns is never answered. */
  timeoutMs?: number;
}

/**
 * Opens a TCP connection to host:port inside the fabric (through a gateway); never from the calling namespace.
 * The socket it resolves is already connected end to end: write to it and read from it as from `net.connect`.
 * @throws {GatewayDialError} one subclass per cause (not allowed, refused, timed out, unreachable, no gateway).
 */
export type Dial = (host: string, port: number, options?: DialOptions) => Promise<Socket>;

/** The connect timeout of a dial that names none. */
export const DEFAULT_DIAL_TIMEOUT_MS = 2000;
/** How much longer than the connect timeout the client waits for the gateway's answer before giving up on it. */
const GATEWAY_GRACE_MS = 1000;

/**
 * A {@link Dial} through the gateway listening on the Unix socket `socketPath`. Every call opens a new tunnel (a
 * new TCP connection inside the fabric), as a fresh client would.
 * @param defaults the timeout used when a call names none (default {@link DEFAULT_DIAL_TIMEOUT_MS}).
 */
export function gatewayDial(socketPath: string, defaults: DialOptions = {}): Dial {
  return (host, port, options = {}) => {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      return Promise.reject(new ValidationError('port', `an integer from 1 to 65535 (got ${port} for ${host})`));
    }
    const timeoutMs = options.timeoutMs ?? defaults.timeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS;
    return openTunnel({ socketPath, host, port, timeoutMs });
  };
}

interface TunnelRequest {
  readonly socketPath: string;
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
}

function openTunnel(request: TunnelRequest): Promise<Socket> {
  const { socketPath, host, port, timeoutMs } = request;
  return new Promise((resolve, reject) => {
    const socket = connect({ path: socketPath });
    let settled = false;
    let connected = false;
    const fail = (error: GatewayDialError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => {
      const detail = `the gateway did not answer within ${timeoutMs + GATEWAY_GRACE_MS} ms`;
      fail(new GatewayProtocolError(host, port, socketPath, detail));
    }, timeoutMs + GATEWAY_GRACE_MS);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      // Before 'connect' the gateway itself is missing; after it, the gateway died while answering.
      const detail = connected ? `the connection to the gateway failed: ${error.message}` : error.message;
      const Failure = connected ? GatewayProtocolError : GatewayUnavailableError;
      fail(new Failure(host, port, socketPath, detail, { cause: error }));
    });
    socket.once('connect', () => {
      connected = true;
      socket.write(formatConnect(host, port, timeoutMs));
      void readHead(socket).then((head) => {
        if (settled) return;
        if (!head) {
          fail(new GatewayProtocolError(host, port, socketPath, 'the gateway closed the connection without answering'));
          return;
        }
        const error = answerError(head, request);
        if (error) {
          fail(error);
          return;
        }
        settled = true;
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(socket);
      });
    });
  });
}

/** The error an answer head stands for, or undefined for a 200. */
function answerError(head: Head, request: TunnelRequest): GatewayDialError | undefined {
  const { socketPath, host, port, timeoutMs } = request;
  const status = parseStatusLine(head.line);
  if (status === 200) return undefined;
  const code = head.headers.get(ERROR_CODE_HEADER) ?? '';
  const text = head.headers.get(ERROR_TEXT_HEADER) ?? head.line;
  if (status === 403) return new DestinationNotAllowedError(host, port, socketPath, text);
  if (status === 504 || code === 'ETIMEDOUT') return new DestinationTimeoutError(host, port, socketPath, timeoutMs);
  if (code === 'ECONNREFUSED') return new DestinationRefusedError(host, port, socketPath, text);
  if (['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN'].includes(code)) {
    return new DestinationUnreachableError(host, port, socketPath, text);
  }
  return new GatewayProtocolError(host, port, socketPath, `the gateway answered "${head.line}": ${text}`);
}

/**
 * Waits until a gateway accepts on `socketPath`: what a starter calls after spawning one.
 * @throws {Error} naming the socket when none accepted within `timeoutMs`.
 */
export async function waitForGateway(socketPath: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await accepts(socketPath)) return;
    if (Date.now() >= deadline) {
      throw new Error(`No fabric gateway accepted on ${socketPath} within ${timeoutMs} ms; see the gateway's log`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function accepts(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ path: socketPath });
    probe.once('connect', () => {
      probe.end();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
