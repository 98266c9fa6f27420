/**
 * The logging the OpenStack drivers need: pino's call shape (`logger.info({ fields }, 'message')`), so a pino
 * logger can be passed as it is. Fields are always plain values chosen by the caller: never request or response
 * headers, never request bodies, so that a token or the password cannot reach a log line.
 */
export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

const ignore = (): void => undefined;

/** The default: says nothing (a library does not write to the console on its own). */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
