import { isIPv4 } from 'node:net';

/** An IPv4 network such as `203.0.113.0/24`, kept as a base address and a mask for quick membership tests. */
export interface Ipv4Cidr {
  /** The text it was parsed from, normalised (`203.0.113.0/24`), for messages. */
  readonly text: string;
  readonly base: number;
  readonly mask: number;
}

/** The dotted-quad IPv4 address as an unsigned 32-bit number, or undefined when `address` is not one. */
export function ipv4ToNumber(address: string): number | undefined {
  // isIPv4 rejects names, IPv6 and shorthand forms (`127.1`), which is what the gateway must refuse.
  if (!isIPv4(address)) return undefined;
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/**
 * Parses `a.b.c.d/len`.
 * @throws {Error} naming the text when it is not an IPv4 CIDR.
 */
export function parseCidr(text: string): Ipv4Cidr {
  const [address = '', lengthText, ...rest] = text.trim().split('/');
  const addressNumber = ipv4ToNumber(address);
  const length = Number(lengthText);
  if (addressNumber === undefined || rest.length > 0 || !/^\d{1,2}$/.test(lengthText ?? '') || length > 32) {
    throw new Error(`"${text}" is not an IPv4 CIDR such as 203.0.113.0/24`);
  }
  // `>>> 0` keeps the numbers unsigned; a /0 mask is 0, not the -1 a plain shift would give.
  const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
  const base = (addressNumber & mask) >>> 0;
  return { text: `${numberToIpv4(base)}/${length}`, base, mask };
}

/** Parses a comma-separated list of CIDRs (`203.0.113.0/24,198.51.100.0/24`). */
export function parseCidrList(text: string): Ipv4Cidr[] {
  return text
    .split(',')
    .filter((part) => part.trim() !== '')
    .map(parseCidr);
}

/** Whether `address` is a dotted-quad IPv4 address inside `cidr`. Names and IPv6 are never inside. */
export function cidrContains(cidr: Ipv4Cidr, address: string): boolean {
  const n = ipv4ToNumber(address);
  return n !== undefined && (n & cidr.mask) >>> 0 === cidr.base;
}

function numberToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
