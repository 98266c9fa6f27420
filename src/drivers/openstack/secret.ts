import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A credential that must never reach a log line, an error message or a serialised configuration. `JSON.stringify`,
 * `util.inspect` (console, most loggers) and string conversion all print `[redacted]`; only `reveal()` gives the
 * value, and only the Keystone request body calls it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
