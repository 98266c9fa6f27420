import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { formatEndpoint, type Endpoint } from './endpoint';

/** What a member serves, and where. */
export interface MemberServerOptions {
  /** The first word of every answer, so that a test can tell members apart. */
  readonly name: string;
  readonly http: Endpoint;
  /** A TCP server that writes the identity line on connect and closes. */
  readonly tcp?: Endpoint;
  /** A UDP server that answers every datagram with the identity line. */
  readonly udp?: Endpoint;
}

/** A running member. */
export interface MemberServer {
  /** What `GET /health` answers: 200 when true, 503 when false. */
  readonly healthy: boolean;
  setHealthy(healthy: boolean): void;
  /** Stops every server and drops open connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the member's servers, each bound only to its given address.
 *
 * HTTP: `GET /health` answers 200 `<name> healthy` or 503 `<name> unhealthy`; `POST /control/unhealthy` and
 * `POST /control/healthy` switch it; any other request answers 200 `<name> <ip>:<port> from <peer>`, where the
 * peer is whoever opened the connection (behind a load balancer: the amphora's member-network address).
 * @throws {Error} naming the endpoint when one cannot be bound (an address the namespace does not have, a port in
 * use); the servers already started are closed again.
 */
export async function startMemberServer(options: MemberServerOptions): Promise<MemberServer> {
  let healthy = true;
  const closers: (() => Promise<void>)[] = [];
  const member: MemberServer = {
    get healthy() {
      return healthy;
    },
    setHealthy: (value) => {
      healthy = value;
    },
    close: once(() => Promise.all(closers.map((close) => close())).then(() => undefined)),
  };
  try {
    const http = createHttpServer((req, res) => answerHttp(req, res, options, member));
    closers.push(await listen('http', options.http, http, () => http.closeAllConnections()));
    const tcpEndpoint = options.tcp;
    if (tcpEndpoint) {
      const tcp = createTcpServer((socket) => {
        socket.on('error', () => socket.destroy());
        socket.end(identity(options.name, tcpEndpoint, socket.remoteAddress));
      });
      closers.push(await listen('tcp', tcpEndpoint, tcp));
    }
    if (options.udp) closers.push(await bindUdp(options.name, options.udp));
  } catch (error) {
    await member.close();
    throw error;
  }
  return member;
}

/** The line every answer carries: `<name> <ip>:<port> from <peer>`. */
export function identity(name: string, endpoint: Endpoint, peer: string | undefined): string {
  return `${name} ${formatEndpoint(endpoint)} from ${peer ?? 'unknown'}\n`;
}

function answerHttp(
  req: IncomingMessage,
  res: ServerResponse,
  options: MemberServerOptions,
  member: MemberServer,
): void {
  const path = (req.url ?? '/').split('?')[0];
  const reply = (status: number, body: string): void => {
    res.writeHead(status, { 'content-type': 'text/plain', 'x-member': options.name }).end(body);
  };
  // The body is drained so that a POST with a body does not stall the connection.
  req.resume();
  if (path === '/health') {
    reply(member.healthy ? 200 : 503, `${options.name} ${member.healthy ? 'healthy' : 'unhealthy'}\n`);
  } else if (req.method === 'POST' && (path === '/control/unhealthy' || path === '/control/healthy')) {
    member.setHealthy(path === '/control/healthy');
    reply(200, `${options.name} ${member.healthy ? 'healthy' : 'unhealthy'}\n`);
  } else {
    reply(200, identity(options.name, options.http, req.socket.remoteAddress));
  }
}

function listen(
  kind: string,
  endpoint: Endpoint,
  server: HttpServer | TcpServer,
  dropConnections?: () => void,
): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: Error) =>
      reject(new Error(`cannot listen for ${kind} on ${formatEndpoint(endpoint)}: ${error.message}`, { cause: error })),
    );
    server.listen(endpoint.port, endpoint.host, () => {
      server.removeAllListeners('error');
      resolve(() => {
        const closed = new Promise<void>((done) => server.close(() => done()));
        dropConnections?.();
        return closed;
      });
    });
  });
}

function bindUdp(name: string, endpoint: Endpoint): Promise<() => Promise<void>> {
  const socket: UdpSocket = createSocket('udp4');
  socket.on('message', (_message, peer) => {
    socket.send(identity(name, endpoint, peer.address), peer.port, peer.address);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', (error) =>
      reject(new Error(`cannot bind udp ${formatEndpoint(endpoint)}: ${error.message}`, { cause: error })),
    );
    socket.bind(endpoint.port, endpoint.host, () => {
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
      resolve(() => new Promise<void>((done) => socket.close(() => done())));
    });
  });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}
