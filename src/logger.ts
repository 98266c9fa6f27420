import pino, { type Logger } from 'pino';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

export type { Logger };

/**
 * Keys whose values never reach a log line, wherever they sit in a logged object: credentials, tokens, and the user
 * data and config-drive files that go to amphorae (they can carry keys and certificates).
 */
export const REDACTED_KEYS = [
  'password',
  'token',
  'apiKey',
  'authorization',
  'X-Auth-Token',
  'x-auth-token',
  'X-Subject-Token',
  'userData',
  'user_data',
  'configDriveFiles',
  'personality',
  'keys',
  'secret',
] as const;

/**
 * Creates the process logger: JSON lines on stderr (stdout stays for command output), with secrets redacted at any
 * depth up to three levels.
 */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  const paths = REDACTED_KEYS.flatMap((key) => {
    const plain = /^\w+$/.test(key);
    const segment = plain ? `.${key}` : `["${key}"]`;
    return [plain ? key : segment, `*${segment}`, `*.*${segment}`, `*.*.*${segment}`];
  });
  return pino({ level, base: { pid: process.pid }, redact: { paths, censor: '[redacted]' } }, destination);
}

const TEMPORAL_LEVELS: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

/**
 * Routes the Temporal SDK's own logs (worker, workflows, activities) into `logger`, so one process writes one
 * structured stream, and, with `metricsListen` (host:port), serves the runtime's Prometheus metrics there at
 * `/metrics`. Call once per process, before creating workers.
 */
export function installTemporalLogging(logger: Logger, telemetry: { metricsListen?: string } = {}): void {
  const sdkLogger = new DefaultLogger(TEMPORAL_LEVELS[logger.level] ?? 'INFO', (entry) => {
    const method =
      entry.level === 'TRACE' ? 'trace' : (entry.level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error');
    logger[method]({ ...entry.meta, component: 'temporal' }, entry.message);
  });
  try {
    Runtime.install({
      logger: sdkLogger,
      // The SDK's metrics and ours (operations, undo steps, step durations, the breaker) on one /metrics endpoint.
      ...(telemetry.metricsListen
        ? { telemetryOptions: { metrics: { prometheus: { bindAddress: telemetry.metricsListen } } } }
        : {}),
    });
  } catch {
    // A runtime already exists in this process (an embedding program made one); keep its logger.
  }
}
