/** The agent's one error type: an HTTP status and Octavia's error body, `{ message, details }`. */
import type { AgentErrorBody } from './api';

/** A request the agent cannot do: answered with `status` and `{ message, details }`, logged without request bodies. */
export class AgentError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 413 | 500 | 503,
    message: string,
    readonly details = '',
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'AgentError';
  }

  /** The response body. */
  body(): AgentErrorBody {
    return { message: this.message, details: this.details };
  }
}

/** What an unexpected error becomes: a 500 that says what was asked. */
export function toAgentError(err: unknown, what: string): AgentError {
  if (err instanceof AgentError) return err;
  const text = err instanceof Error ? err.message : String(err);
  return new AgentError(500, `${what} failed`, text, { cause: err });
}
