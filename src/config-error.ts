import { z } from 'zod';

/**
 * Raised when a setting is missing or malformed; the message names every bad variable and what it expects.
 *
 * It lives apart from `config.ts` so that driver settings parsers (which `config.ts` calls) can raise it without an
 * import cycle; `config.ts` re-exports it.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    /** The environment variables that were rejected. */
    readonly variables: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A whole number read from an environment variable, at least `min`; the error says what is expected. */
export const wholeNumberVariable = (min: number, what: string) =>
  z.coerce
    .number({ error: `expected ${what}` })
    .int(`expected ${what}`)
    .min(min, `expected ${what}`);
