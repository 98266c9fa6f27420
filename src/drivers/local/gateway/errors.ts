import { DriverError, type DriverErrorOptions } from '../../errors';

/** Why a dial through the gateway failed; one value per error class below. */
export type DialFailureReason =
  'not-allowed' | 'refused' | 'timed-out' | 'unreachable' | 'gateway-unavailable' | 'gateway-protocol';

/**
 * Base of the errors {@link gatewayDial} raises. Every message names the destination, the gateway socket and the
 * cause, for example `Cannot reach 203.0.113.9:80 through the fabric gateway /run/x/gw.sock: connect timed out
 * after 300 ms`.
 */
export abstract class GatewayDialError extends DriverError {
  abstract readonly reason: DialFailureReason;
  constructor(
    readonly host: string,
    readonly port: number,
    readonly socketPath: string,
    detail: string,
    options: DriverErrorOptions = {},
    retryable = true,
  ) {
    super(`Cannot reach ${host}:${port} through the fabric gateway ${socketPath}: ${detail}`, options, retryable);
  }
}

/** The gateway refused the destination: not an IPv4 address, or outside the CIDRs it was started with. */
export class DestinationNotAllowedError extends GatewayDialError {
  readonly reason = 'not-allowed';
  constructor(host: string, port: number, socketPath: string, detail: string, options: DriverErrorOptions = {}) {
    super(host, port, socketPath, `not allowed by the gateway (${detail})`, options, false);
  }
}

/** The destination answered with a reset: nothing listens on that port (yet). */
export class DestinationRefusedError extends GatewayDialError {
  readonly reason = 'refused';
  constructor(host: string, port: number, socketPath: string, detail: string, options: DriverErrorOptions = {}) {
    super(host, port, socketPath, `connection refused, nothing listens there (${detail})`, options);
  }
}

/** Nobody answered in time; typically no interface owns the address (a VIP that is not plugged anywhere). */
export class DestinationTimeoutError extends GatewayDialError {
  readonly reason = 'timed-out';
  constructor(
    host: string,
    port: number,
    socketPath: string,
    readonly timeoutMs: number,
    options: DriverErrorOptions = {},
  ) {
    super(host, port, socketPath, `connect timed out after ${timeoutMs} ms`, options);
  }
}

/** The gateway's namespace has no route to the destination, or no neighbour answered for it. */
export class DestinationUnreachableError extends GatewayDialError {
  readonly reason = 'unreachable';
  constructor(host: string, port: number, socketPath: string, detail: string, options: DriverErrorOptions = {}) {
    super(host, port, socketPath, `unreachable from the gateway's namespace (${detail})`, options);
  }
}

/** Nothing accepts on the gateway's socket: it was never started, it exited, or the path is wrong. */
export class GatewayUnavailableError extends GatewayDialError {
  readonly reason = 'gateway-unavailable';
  constructor(host: string, port: number, socketPath: string, detail: string, options: DriverErrorOptions = {}) {
    super(
      host,
      port,
      socketPath,
      `the gateway is not running (${detail}); start it with ` +
        '`ip netns exec <fabric-ns> node gateway.js --socket <path> --allow <cidrs>`',
      options,
    );
  }
}

/** The gateway answered something this client does not understand, or did not answer in time. */
export class GatewayProtocolError extends GatewayDialError {
  readonly reason = 'gateway-protocol';
  constructor(host: string, port: number, socketPath: string, detail: string, options: DriverErrorOptions = {}) {
    super(host, port, socketPath, detail, options);
  }
}

/**
 * Something in this process tried to open a TCP connection to a fabric address directly. On this host that traffic
 * would leave the machine through its real network card, so it is refused before any packet is sent.
 */
export class DirectFabricDialError extends DriverError {
  constructor(
    readonly host: string,
    readonly port: number | undefined,
  ) {
    super(
      `Refusing to connect to ${host}${port === undefined ? '' : `:${port}`} from this namespace: fabric addresses ` +
        'are reached only through the fabric gateway (gatewayDial), never directly',
    );
  }
}

/** An HTTP exchange over a dialled socket failed after the tunnel was open, or took longer than allowed. */
export class FabricHttpError extends DriverError {
  constructor(
    readonly method: string,
    readonly url: string,
    detail: string,
    readonly timedOut: boolean,
    options: DriverErrorOptions = {},
  ) {
    super(`${method} ${url} through the fabric gateway failed: ${detail}`, options, true);
  }
}
