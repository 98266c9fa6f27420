/** IPv4 arithmetic for handing out addresses from a subnet's CIDR. */

export function ipv4ToNumber(address: string): number {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) {
    throw new Error(`not an IPv4 address: ${address}`);
  }
  return parts.reduce((value, part) => value * 256 + part, 0);
}

export function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** The first and last usable host addresses of an IPv4 CIDR (network and broadcast excluded). */
export function ipv4HostRange(cidr: string): { first: number; last: number } {
  const [base, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (!base || !Number.isInteger(prefix) || prefix < 0 || prefix > 30) {
    throw new Error(`the noop cloud hands out addresses only from IPv4 subnets of /30 or larger, not ${cidr}`);
  }
  const size = 2 ** (32 - prefix);
  const network = Math.floor(ipv4ToNumber(base) / size) * size;
  return { first: network + 1, last: network + size - 2 };
}

export function ipv4InCidr(address: string, cidr: string): boolean {
  const { first, last } = ipv4HostRange(cidr);
  const value = ipv4ToNumber(address);
  return value >= first && value <= last;
}

/** How many addresses of `cidr` can be handed out (the gateway excluded). */
export function usableIpv4Count(cidr: string, gateway: string | undefined): number {
  const { first, last } = ipv4HostRange(cidr);
  const count = last - first + 1;
  return gateway && ipv4InCidr(gateway, cidr) ? count - 1 : count;
}
