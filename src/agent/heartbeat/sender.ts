/**
 * The agent's heartbeat: every interval, the status of what its haproxy serves, sealed with the shared key and sent
 * by UDP to each health manager (Octavia's `controller_ip_port_list`). A send that fails is logged and the next
 * interval tries again: a heartbeat is only ever as good as the last one that arrived.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { AgentLogger } from '../log';
import { sealHeartbeat } from './envelope';
import type { Heartbeat } from './message';
import { statusOf } from './status';

/** The longest a heartbeat waits for haproxy's statistics (less when the interval is short). */
const STATS_WAIT_MS = 1_000;

export interface HeartbeatSettings {
  /** The shared key; never logged. */
  key: string;
  intervalMs: number;
  /** `host:port` of each health manager. */
  destinations: string[];
}

export interface HeartbeatSender {
  /** Sends one heartbeat now (the timer's work; tests call it directly). */
  beat(): Promise<void>;
  /** Stops the timer and closes the socket; a heartbeat still waiting for haproxy's statistics is then not sent. */
  stop(): void;
}

/**
 * Starts sending heartbeats for amphora `amphoraId`.
 *
 * @param readStats - the `show stat` answer of each load balancer whose haproxy runs.
 */
export function startHeartbeats(
  amphoraId: string,
  settings: HeartbeatSettings,
  readStats: () => Promise<string[]>,
  log: AgentLogger,
): HeartbeatSender {
  const socket: Socket = createSocket('udp4');
  socket.on('error', (err) => log.warn({ err: err.message }, 'heartbeat socket error'));
  const targets = settings.destinations.map((destination) => {
    const at = destination.lastIndexOf(':');
    return { host: destination.slice(0, at), port: Number(destination.slice(at + 1)) };
  });
  let seq = 0;
  // A heartbeat says first that the amphora is alive: a stats socket that hangs (haproxy reloading, overloaded) must
  // never hold it back past the health manager's timeout. It waits for haproxy a bounded time, then sends the last
  // statistics it had; a read still in flight is shared by the next beat rather than started again.
  const budgetMs = Math.min(STATS_WAIT_MS, Math.floor(settings.intervalMs / 2));
  let lastStats: string[] = [];
  let reading: Promise<string[]> | undefined;
  const stats = (): Promise<string[]> => {
    reading ??= readStats()
      .then(
        (csvs) => (lastStats = csvs),
        () => lastStats,
      )
      .finally(() => {
        reading = undefined;
      });
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<string[]>((resolve) => {
      timer = setTimeout(() => resolve(lastStats), budgetMs);
    });
    return Promise.race([reading, waited]).finally(() => clearTimeout(timer));
  };
  let stopped = false;
  const beat = async () => {
    const heartbeat: Heartbeat = { ver: 3, id: amphoraId, seq: 0, sentAt: 0, listeners: {}, pools: {} };
    const csvs = await stats();
    // Stopped while it waited for haproxy: the socket is closed, and sending on it would throw.
    if (stopped) return;
    for (const csv of csvs) {
      const { listeners, pools } = statusOf(csv);
      Object.assign(heartbeat.listeners, listeners);
      Object.assign(heartbeat.pools, pools);
    }
    // Past the last one and at least the clock: a restarted agent's heartbeats still count as newer.
    seq = Math.max(seq + 1, Date.now());
    heartbeat.seq = seq;
    heartbeat.sentAt = Date.now();
    const datagram = sealHeartbeat(heartbeat, settings.key);
    await Promise.all(
      targets.map(
        (target) =>
          new Promise<void>((resolve) =>
            socket.send(datagram, target.port, target.host, (err) => {
              if (err)
                log.warn({ destination: `${target.host}:${target.port}`, err: err.message }, 'heartbeat not sent');
              resolve();
            }),
          ),
      ),
    );
  };
  const timer = setInterval(() => {
    beat().catch((err: unknown) =>
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'heartbeat failed'),
    );
  }, settings.intervalMs);
  timer.unref();
  return {
    beat,
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      socket.close();
    },
  };
}
