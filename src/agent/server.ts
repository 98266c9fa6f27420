/** The agent's HTTPS server: mutual TLS against the controller's CA, on the management address only. */
import { getRequestListener } from '@hono/node-server';
import { createServer, type Server } from 'node:https';
import type { AgentConfig } from './config';
import { Haproxy } from './haproxy';
import { startHeartbeats } from './heartbeat';
import { Keepalived } from './keepalived';
import type { AgentLogger } from './log';
import { Plugging } from './plugging';
import { agentRoutes } from './routes';

/** A listening agent. */
export interface RunningAgent {
  server: Server;
  /** Stops accepting and closes open connections; haproxy and keepalived keep running. */
  close(): Promise<void>;
}

/**
 * Starts serving the agent's API on `config.bindHost:bindPort`.
 *
 * @throws the listen error (address not on any interface after a while, port taken).
 */
export async function startAgentServer(config: AgentConfig, log: AgentLogger): Promise<RunningAgent> {
  const haproxy = new Haproxy(config.stateDir, log);
  const heartbeats = config.heartbeat
    ? startHeartbeats(config.amphoraId, config.heartbeat, () => haproxy.statCsvs(), log)
    : undefined;
  const app = agentRoutes({
    amphoraId: config.amphoraId,
    haproxy,
    keepalived: new Keepalived(config.stateDir),
    plugging: new Plugging(config.stateDir),
    log,
  });
  const listener = getRequestListener(app.fetch);
  const server = createServer(
    {
      key: config.serverPem,
      cert: config.serverPem,
      ca: config.clientCaPem,
      // A client without a certificate of the controller's CA never gets past the handshake.
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    // hono answers every error itself (routes.ts onError): the listener's promise never rejects.
    (req, res) => void listener(req, res),
  );
  // Node drops a client whose certificate fails verification without saying why; the reason is on the socket.
  server.on('tlsClientError', (err, socket) =>
    log.warn(
      { err: err.message, reason: socket.authorizationError, peer: socket.remoteAddress },
      'TLS handshake refused',
    ),
  );
  await listen(server, config, log);
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        heartbeats?.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** How long the agent waits for its management address to appear (a boot that configures it just after). */
const ADDRESS_WAIT_MS = 10_000;

/** Listens on the management address, waiting while it is not (yet) configured on an interface. */
async function listen(server: Server, config: AgentConfig, log: AgentLogger): Promise<void> {
  const deadline = Date.now() + ADDRESS_WAIT_MS;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.bindPort, config.bindHost, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL' || Date.now() > deadline) throw err;
      if (attempt === 0) log.info({ bindHost: config.bindHost }, 'management address not configured yet; waiting');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
