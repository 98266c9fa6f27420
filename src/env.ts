import { z } from 'zod';

/**
 * Reading settings from environment variables, the same way for the worker, the controller and the OpenStack
 * drivers. It lives apart from `config.ts` so that the driver and controller settings parsers (which `config.ts`
 * calls) can use it without an import cycle; `config.ts` re-exports ConfigError.
 */

/** Raised when a setting is missing or malformed; the message names every bad variable and what it expects. */
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

export type Env = Record<string, string | undefined>;

/** A problem with one variable, found beside the schema (a rule across several variables). */
export interface EnvIssue {
  variable: string;
  message: string;
}

export interface ParseEnvOptions {
  /** Begins the error message: `Invalid configuration` unless told otherwise. */
  title?: string;
  /** Variables whose values never appear in a message (`NAME=(hidden)`). */
  secrets?: readonly string[];
  /** Checks the schema cannot express; reported together with the schema's own problems. */
  check?: (present: Record<string, string>) => EnvIssue[];
}

/** The variables that are set: an empty string counts as unset, as a shell `FOO=` usually means "not configured". */
export function presentVariables(env: Env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}

/**
 * Parses environment variables with a schema whose keys are variable names.
 *
 * @returns the parsed values, with defaults filled in.
 * @throws {@link ConfigError} naming every bad variable with its value (`NAME="value"`, `NAME (unset)`, or
 *   `NAME=(hidden)` for a secret) and what is expected.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env, options: ParseEnvOptions = {}): z.output<S> {
  const present = presentVariables(env);
  const parsed = schema.safeParse(present);
  const issues: EnvIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '?'), message: issue.message }));
  issues.push(...(options.check?.(present) ?? []));
  if (parsed.success && issues.length === 0) return parsed.data;
  const secrets = new Set(options.secrets ?? []);
  const shown = (variable: string) => {
    const value = present[variable];
    if (value === undefined) return `${variable} (unset)`;
    return secrets.has(variable) ? `${variable}=(hidden)` : `${variable}=${JSON.stringify(value)}`;
  };
  throw new ConfigError(
    `${options.title ?? 'Invalid configuration'}: ${issues.map((issue) => `${shown(issue.variable)}: ${issue.message}`).join('; ')}`,
    [...new Set(issues.map((issue) => issue.variable))],
  );
}

/** A whole number read from an environment variable, at least `min`; the error says what is expected. */
export const wholeNumberVariable = (min: number, what: string) =>
  z.coerce
    .number({ error: `expected ${what}` })
    .int(`expected ${what}`)
    .min(min, `expected ${what}`);
