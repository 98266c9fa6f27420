import { Socket } from 'node:net';
import { DirectFabricDialError } from './errors';
import { isFabricAddress } from './fabric-address';

/** An installed guard: what it caught, and how to take it out again. */
export interface DirectDialGuard {
  /** Every direct connection to a fabric address this process attempted since the guard went in. */
  readonly violations: readonly DirectFabricDialError[];
  /** Restores the connect it replaced. */
  uninstall(): void;
}

type ConnectArgs = Parameters<Socket['connect']>;

/**
 * Makes every TCP connect of this process (net, http, tls and anything built on them all end in
 * `Socket.prototype.connect`) fail with a {@link DirectFabricDialError} when it targets a fabric address, before
 * a packet is sent. Unix-socket connects, such as the gateway's, pass. Meant for test harnesses and the demo, which
 * must never dial the fabric from the root namespace (FINDINGS §0). The failure is emitted as the socket's 'error',
 * as a refused connect would be, and recorded in `violations` in case a caller swallows it.
 * UDP (dgram) is not covered.
 */
export function guardDirectFabricDials(): DirectDialGuard {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- only ever called with apply(this) or put back.
  const original = Socket.prototype.connect;
  const violations: DirectFabricDialError[] = [];
  Socket.prototype.connect = function guardedConnect(this: Socket, ...args: ConnectArgs): Socket {
    const target = tcpTarget(args);
    if (target && isFabricAddress(target.host)) {
      const error = new DirectFabricDialError(target.host, target.port);
      violations.push(error);
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return original.apply(this, args);
  } as Socket['connect'];
  return {
    violations,
    uninstall: () => {
      Socket.prototype.connect = original;
    },
  };
}

/** The host and port a connect call targets, or undefined for a Unix-socket path. */
function tcpTarget(args: unknown[]): { host: string; port: number | undefined } | undefined {
  // net.connect() hands Socket#connect its already-normalised [options, callback] array as the only argument.
  const first: unknown = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { path?: unknown; host?: unknown; port?: unknown };
    if (options.path !== undefined) return undefined;
    return { host: typeof options.host === 'string' ? options.host : 'localhost', port: Number(options.port) };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first) };
  }
  return undefined;
}
