import { z } from 'zod';
import type { HealthSettings } from './contracts/health';
import { parseEnv, wholeNumberVariable, type Env } from './env';

/**
 * The health manager's configuration (Octavia's `[health_manager]`): present when AMPHORA_HEARTBEAT_KEY is set. The
 * amphorae sign their heartbeats with the key; listeners record them in a SQLite file that every listener, worker and
 * API server on the machine shares; the worker's health manager fails over the silent ones.
 */
export interface HealthConfig {
  /** The shared heartbeat key (Octavia's `heartbeat_key`). A secret: never logged. */
  key: string;
  /** The heartbeat store (SQLite) shared by listeners, workers and API servers. */
  storeFile: string;
  /** How often an amphora sends a heartbeat (Octavia's `heartbeat_interval`, 10 s). */
  heartbeatIntervalMs: number;
  /** Where the health listener binds (Octavia's `bind_ip`/`bind_port`). */
  listen: { host: string; port: number };
  manager: HealthSettings;
}

/** Where the heartbeat store is unless AMPHORA_HEALTH_STORE says otherwise. */
export const DEFAULT_HEALTH_STORE = '/var/lib/amphora-orchestrator/health.sqlite';

const HealthEnvSchema = z.object({
  AMPHORA_HEARTBEAT_KEY: z.string().min(16, 'expected a key of at least 16 characters (openssl rand -hex 32)'),
  AMPHORA_HEALTH_STORE: z.string().min(1, 'expected the path of a SQLite file').default(DEFAULT_HEALTH_STORE),
  AMPHORA_HEARTBEAT_INTERVAL_MS: wholeNumberVariable(100, 'milliseconds >= 100').default(10_000),
  AMPHORA_HEARTBEAT_TIMEOUT_MS: wholeNumberVariable(200, 'milliseconds >= 200').default(60_000),
  AMPHORA_HEALTH_CHECK_INTERVAL_MS: wholeNumberVariable(100, 'milliseconds >= 100').default(3_000),
  AMPHORA_FAILOVER_THRESHOLD: wholeNumberVariable(0, 'a number of amphorae >= 0').optional(),
  AMPHORA_HEALTH_LISTEN: z
    .string()
    .regex(/^(\d{1,3}(\.\d{1,3}){3}):(\d{1,5})$/, 'expected ipv4:port, for example 0.0.0.0:5555')
    .default('0.0.0.0:5555'),
});

/**
 * Reads the health manager's settings; undefined when AMPHORA_HEARTBEAT_KEY is unset (no heartbeats, no automatic
 * failover, as before).
 *
 * @throws ConfigError naming each bad variable (the key's value is never shown), and a timeout that is not longer than
 *   two heartbeat intervals (one lost datagram would fail over a healthy amphora).
 */
export function parseHealthConfig(env: Env): HealthConfig | undefined {
  if (!env.AMPHORA_HEARTBEAT_KEY) return undefined;
  const vars = parseEnv(HealthEnvSchema, env, {
    title: 'Invalid health manager configuration',
    secrets: ['AMPHORA_HEARTBEAT_KEY'],
    check: (present) => {
      const interval = Number(present.AMPHORA_HEARTBEAT_INTERVAL_MS ?? 10_000);
      const timeout = Number(present.AMPHORA_HEARTBEAT_TIMEOUT_MS ?? 60_000);
      return timeout > 2 * interval
        ? []
        : [
            {
              variable: 'AMPHORA_HEARTBEAT_TIMEOUT_MS',
              message: `expected more than two heartbeat intervals (AMPHORA_HEARTBEAT_INTERVAL_MS=${interval}): one lost datagram would fail over a healthy amphora`,
            },
          ];
    },
  });
  const [host = '0.0.0.0', port = '5555'] = vars.AMPHORA_HEALTH_LISTEN.split(':');
  return {
    key: vars.AMPHORA_HEARTBEAT_KEY,
    storeFile: vars.AMPHORA_HEALTH_STORE,
    heartbeatIntervalMs: vars.AMPHORA_HEARTBEAT_INTERVAL_MS,
    listen: { host, port: Number(port) },
    manager: {
      heartbeatTimeoutMs: vars.AMPHORA_HEARTBEAT_TIMEOUT_MS,
      checkIntervalMs: vars.AMPHORA_HEALTH_CHECK_INTERVAL_MS,
      ...(vars.AMPHORA_FAILOVER_THRESHOLD !== undefined ? { failoverThreshold: vars.AMPHORA_FAILOVER_THRESHOLD } : {}),
    },
  };
}
