import { cidrContains, parseCidr, type Ipv4Cidr } from './cidr';
import { DirectFabricDialError } from './errors';

/**
 * The documentation ranges (RFC 5737) the local fabric takes its addresses from. On this kind of host they are NOT
 * private: the host's own network is 192.0.2.0/24 and its default route sends the other two out of the machine.
 */
export const FABRIC_RANGES: readonly Ipv4Cidr[] = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'].map(parseCidr);

/** Whether `host` is an IPv4 address in one of the {@link FABRIC_RANGES}. Names are not (they are not resolved). */
export function isFabricAddress(host: string): boolean {
  return FABRIC_RANGES.some((range) => cidrContains(range, host));
}

/**
 * Guard for code about to open a socket from its own namespace.
 * @throws {DirectFabricDialError} when `host` is a fabric address: reach it with a `Dial` from `gatewayDial`.
 */
export function assertFabricSafe(host: string, port?: number): void {
  if (isFabricAddress(host)) throw new DirectFabricDialError(host, port);
}
