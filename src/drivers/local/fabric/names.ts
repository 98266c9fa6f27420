/**
 * Names of what a fabric makes on the host. Every name carries the fabric's id, so that a fabric's namespaces,
 * interfaces and processes are found by prefix (a stale run's too), and two fabrics never collide.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** Prefix of every namespace this project makes. */
export const NAMESPACE_PREFIX = 'ampdp-';
/**
 * Where fabrics keep their state (tmpfs: a reboot empties it, as it empties the kernel's namespaces). Short on
 * purpose: haproxy's stats socket lives below an amphora's directory and Unix socket paths are limited.
 */
export const DEFAULT_LOCAL_ROOT = '/run/ampdp';

/**
 * The longest Unix socket path haproxy takes (`sun_path` less its own margin): the stats socket
 * `<amphora dir>/lb/<load balancer id>/haproxy.sock` must fit.
 */
const HAPROXY_SOCKET_PATH_MAX = 97;
const STATS_SOCKET_TAIL = '/lb/00000000-0000-0000-0000-000000000000/haproxy.sock';
// No dashes: a fabric's namespaces are `ampdp-<id>` and `ampdp-<id>-...`, so `a` and `a-b` must not both be ids.
const FABRIC_ID = /^[a-z0-9]{1,20}$/;

/** Whether `id` can name a fabric: lowercase letters and digits, at most 20. */
export function isFabricId(id: string): boolean {
  return FABRIC_ID.test(id);
}

/** 12 to 14 hex digits of a stable hash: interface names are limited to 15 characters. */
function shortHash(value: string, length: number): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length);
}

/** The names one fabric gives what it makes. */
export class FabricNames {
  constructor(
    readonly id: string,
    readonly root = DEFAULT_LOCAL_ROOT,
  ) {}

  /** The namespace holding the fabric's bridges (the pretend cloud's networks). */
  get fabricNamespace(): string {
    return `${NAMESPACE_PREFIX}${this.id}`;
  }

  /** Prefix of the namespaces of the fabric's amphorae and guests. */
  get guestPrefix(): string {
    return `${NAMESPACE_PREFIX}${this.id}-`;
  }

  /** The fabric's state directory. */
  get dir(): string {
    return join(this.root, this.id);
  }

  /** The gateway's Unix socket: how processes outside the fabric reach addresses inside it. */
  get gatewaySocket(): string {
    return join(this.dir, 'gateway.sock');
  }

  /** The controller's certificate authority and client certificate. */
  get pkiDir(): string {
    return join(this.dir, 'pki');
  }

  amphoraNamespace(computeId: string): string {
    return `${this.guestPrefix}a-${computeId}`;
  }

  /** The directory of the fabric's amphorae, one subdirectory each (see {@link amphoraDir}). */
  get amphoraeDir(): string {
    return join(this.dir, 'a');
  }

  /**
   * An amphora's directory: its config drive and its agent's working files. Named by 8 hex digits of its compute
   * id, not the id itself, so that haproxy's socket paths below it stay within Unix's limit.
   */
  amphoraDir(computeId: string): string {
    return join(this.amphoraeDir, shortHash(computeId, 8));
  }

  /**
   * Checks that the paths below the fabric's directory fit the kernel's limits.
   *
   * @throws Error naming the root and how much shorter it must be.
   */
  checkPathLengths(): void {
    const longest = `${this.amphoraDir('x')}${STATS_SOCKET_TAIL}`.length;
    if (longest > HAPROXY_SOCKET_PATH_MAX) {
      throw new Error(
        `The local data plane's directory ${this.dir} is too long by ${longest - HAPROXY_SOCKET_PATH_MAX} characters: haproxy's stats sockets below it must fit in ${HAPROXY_SOCKET_PATH_MAX}; set AMPHORA_LOCAL_ROOT to a shorter directory (the default is ${DEFAULT_LOCAL_ROOT}) or use a shorter fabric id`,
      );
    }
  }

  /** A namespace for something that is not an amphora: a member server, a client. */
  guestNamespace(name: string): string {
    return `${this.guestPrefix}g-${name}`;
  }

  guestDir(name: string): string {
    return join(this.dir, 'guests', name);
  }

  /** The bridge that is network `networkId`. */
  bridge(networkId: string): string {
    return `b${shortHash(networkId, 12)}`;
  }

  /** The fabric's end of port `portId`'s veth pair (a bridge port). */
  fabricEnd(portId: string): string {
    return `v${shortHash(portId, 14)}`;
  }

  /** The guest's end of port `portId`'s veth pair, until the guest renames it. */
  guestEnd(portId: string): string {
    return `p${shortHash(portId, 14)}`;
  }
}
