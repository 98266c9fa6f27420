/** How the noop network driver names the error an injected fault surfaces as, one error class per method. */

/** Builds the driver-family error for an injected fault. */
export type ErrorFactory = (message: string, retryable: boolean) => Error;

/** The fault error of a method whose errors are `ErrorClass`. */
export const errorOf =
  (ErrorClass: new (message: string, options: { retryable: boolean }) => Error): ErrorFactory =>
  (message, retryable) =>
    new ErrorClass(message, { retryable });
