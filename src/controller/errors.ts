/** Errors the controller raises; the REST API and the CLI turn them into status codes and one-line messages. */
export class ControllerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The load balancer or amphora does not exist, or no longer does. */
export class NotFoundError extends ControllerError {}

/** The load balancer is PENDING_*: Octavia's immutability. Retry once its operation has ended. */
export class ConflictError extends ControllerError {}

/** A request field is invalid; nothing was started. */
export class InputError extends ControllerError {
  constructor(
    readonly field: string,
    readonly constraint: string,
  ) {
    super(`Invalid ${field}: ${constraint}`);
  }
}

/**
 * No worker answered for the load balancer in time (none is running: a deploy, a crash, or all are overloaded).
 * Nothing was changed unless the message says the request may still run; retry after {@link retryAfterSeconds}.
 */
export class UnavailableError extends ControllerError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
