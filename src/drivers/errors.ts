import type { z } from 'zod';
import { describeZodError } from '../models/validation';

/** Options every driver error takes: the underlying cause, and whether a retry may succeed. */
export interface DriverErrorOptions {
  cause?: unknown;
  /** Overrides the class default: a 503 is a transient ComputeError, a quota error is not. */
  retryable?: boolean;
}

/**
 * Base of every error a driver raises. `name` is the class name, which activities pass on as the Temporal failure
 * type, and `retryable` says whether repeating the same call may succeed (5xx, timeouts, an open circuit) or not
 * (bad input, not found).
 */
export abstract class DriverError extends Error {
  readonly retryable: boolean;
  constructor(message: string, options: DriverErrorOptions = {}, defaultRetryable = false) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable ?? defaultRetryable;
  }
}

/** The driver does not support this operation or this kind of amphora (the seed's NotImplementedError). */
export class NotImplementedError extends DriverError {
  constructor(
    readonly operation: string,
    detail = 'this driver does not implement it',
    options: DriverErrorOptions = {},
  ) {
    super(`${operation} is not supported: ${detail}`, options, false);
  }
}

/** A request field is missing or out of bounds. Never retryable: the same input fails the same way. */
export class ValidationError extends DriverError {
  constructor(
    /** Dotted path of the offending field, for example `configDriveFiles./etc/motd`. */
    readonly field: string,
    /** What the field must satisfy. */
    readonly constraint: string,
    options: DriverErrorOptions = {},
  ) {
    super(`Invalid ${field}: ${constraint}`, options, false);
  }

  /** One ValidationError for the first problem zod found, naming its field; the rest are listed in the message. */
  static fromZod(error: z.ZodError, prefix = ''): ValidationError {
    const { field, constraint } = describeZodError(error, prefix);
    return new ValidationError(field, constraint);
  }
}

/** Parses `input` with `schema`, or throws a ValidationError that names the bad field. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, prefix);
  return parsed.data;
}
