import { chmodSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { cidrContains, type Ipv4Cidr } from './cidr';
import {
  CONNECT_TIMEOUT_HEADER,
  formatAnswer,
  MAX_HEAD_BYTES,
  parseConnectLine,
  readHead,
  type Head,
} from './protocol';

/** What the gateway server needs: where it may connect, and how long a connect may take at most. */
export interface GatewayServerOptions {
  /** Destinations must be IPv4 addresses inside one of these; everything else, names included, is refused. */
  readonly allow: readonly Ipv4Cidr[];
  /** Connect timeout when the request names none, and the upper bound of one it names. */
  readonly maxConnectTimeoutMs: number;
  /** Receives one line per refused or failed request (never one per tunnel: a probe opens hundreds a second). */
  readonly log?: (line: string) => void;
}

/** A running gateway: a Unix-socket listener plus the tunnels it carries. */
export interface GatewayServer {
  /** Sockets open right now, both legs of every tunnel (a test checks that closed tunnels are released). */
  readonly openSockets: () => number;
  /** Stops accepting, destroys every tunnel and removes the socket file. Idempotent. */
  close(): Promise<void>;
}

/**
 * Listens on the Unix socket `socketPath` (replacing a stale file there) and, for each connection, opens the TCP
 * connection its CONNECT head asks for from the calling process's network namespace and relays bytes both ways.
 * The socket is made owner-only (0600): whoever can open it can reach the whole fabric.
 * @throws {Error} when the socket cannot be bound.
 */
export async function startGatewayServer(socketPath: string, options: GatewayServerOptions): Promise<GatewayServer> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer({ allowHalfOpen: true }, (client) => {
    track(client);
    client.on('error', () => client.destroy());
    void handle(client, { ...options, track });
  });
  if (await isAccepting(socketPath)) {
    throw new Error(`Another process already accepts connections on ${socketPath}; stop it or choose another path`);
  }
  removeStaleSocket(socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  chmodSync(socketPath, 0o600);
  let closing: Promise<void> | undefined;
  return {
    openSockets: () => sockets.size,
    close: () => (closing ??= closeServer(server, sockets, socketPath)),
  };
}

/** The server's options plus how it keeps count of the sockets it opens. */
interface HandlerOptions extends GatewayServerOptions {
  readonly track: (socket: Socket) => void;
}

async function handle(client: Socket, options: HandlerOptions): Promise<void> {
  const head = await readHead(client);
  if (!head) {
    // A bare connect-and-close is how starters check that the gateway is up: nothing to answer, nothing to log.
    if (client.readableEnded || client.destroyed) client.end();
    else refuse(client, options, 400, 'BAD_REQUEST', `the CONNECT head exceeds ${MAX_HEAD_BYTES} bytes`);
    return;
  }
  const destination = parseConnectLine(head.line);
  if (!destination) {
    refuse(client, options, 400, 'BAD_REQUEST', `expected "CONNECT <ipv4>:<port> HTTP/1.1", got "${head.line}"`);
    return;
  }
  const { host, port } = destination;
  if (!options.allow.some((cidr) => cidrContains(cidr, host))) {
    const allowed = options.allow.map((cidr) => cidr.text).join(', ');
    const text = `${host} is not an IPv4 address inside the allowed networks (${allowed})`;
    refuse(client, options, 403, 'NOT_ALLOWED', text);
    return;
  }
  relay(client, host, port, connectTimeout(head, options.maxConnectTimeoutMs), options);
}

function relay(client: Socket, host: string, port: number, timeoutMs: number, options: HandlerOptions): void {
  const upstream = connect({ host, port, allowHalfOpen: true });
  options.track(upstream);
  const timer = setTimeout(
    () => upstream.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })),
    timeoutMs,
  );
  // The caller gave up (its own timer, or it exited): stop connecting on its behalf.
  const abandon = (): void => {
    upstream.destroy();
  };
  client.once('close', abandon);
  upstream.once('error', (error: NodeJS.ErrnoException) => {
    clearTimeout(timer);
    if (client.destroyed) return;
    const code = error.code ?? 'EIO';
    if (code === 'ETIMEDOUT')
      refuse(client, options, 504, code, `connect to ${host}:${port} timed out after ${timeoutMs} ms`);
    else refuse(client, options, 502, code, error.message);
  });
  upstream.once('connect', () => {
    clearTimeout(timer);
    client.removeListener('close', abandon);
    upstream.removeAllListeners('error');
    client.write(formatAnswer(200, 'Connection Established'));
    splice(client, upstream);
  });
}

/**
 * Relays both ways with half-close: when one side finishes sending, the other is told (FIN) and may keep talking.
 * A reset on either side resets the other; a clean close only ends the other, so bytes still queued are delivered.
 */
function splice(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    from.on('error', () => to.destroy());
    from.once('close', (hadError) => (hadError ? to.destroy() : to.end()));
  }
}

const PHRASES = { 400: 'Bad Request', 403: 'Forbidden', 502: 'Bad Gateway', 504: 'Gateway Timeout' } as const;

/** Answers an error head, logs it, and closes: the client reads the cause and gives up on this tunnel. */
function refuse(
  client: Socket,
  options: GatewayServerOptions,
  status: keyof typeof PHRASES,
  code: string,
  text: string,
): void {
  options.log?.(`gateway: ${status} ${code}: ${text}`);
  client.end(formatAnswer(status, PHRASES[status], { code, text }));
}

function connectTimeout(head: Head, maxMs: number): number {
  const asked = Number(head.headers.get(CONNECT_TIMEOUT_HEADER));
  return Number.isInteger(asked) && asked > 0 ? Math.min(asked, maxMs) : maxMs;
}

function removeStaleSocket(socketPath: string): void {
  try {
    unlinkSync(socketPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Whether something accepts connections on the Unix socket `socketPath` (a live gateway, not a stale file). */
function isAccepting(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

async function closeServer(server: Server, sockets: Set<Socket>, socketPath: string): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const socket of sockets) socket.destroy();
  await closed;
  removeStaleSocket(socketPath);
}
