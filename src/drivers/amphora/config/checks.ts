import { isIP } from 'node:net';
import { UnrenderableValueError } from './errors';

/** The object a value belongs to, for the error that names it. */
export interface Owner {
  type: string;
  id: string;
}

/** What haproxy accepts in proxy, server, ACL and peer names, less `:` (it joins pool and listener ids). */
const NAME = /^[A-Za-z0-9_.-]+$/;
/** An HTTP token (RFC 9110) without `'` and `` ` ``: header, cookie and DN field names inside `fetch(<name>)`. */
const TOKEN = /^[A-Za-z0-9!#$%&*+.^_|~-]+$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * An id used as a haproxy or keepalived name, as it is.
 *
 * @throws UnrenderableValueError when it holds anything but letters, digits, `_`, `.` and `-` (UUIDs pass)
 */
export function nameOf(owner: Owner, field = 'id', value = owner.id): string {
  if (!NAME.test(value)) fail(owner, field, value, 'must be letters, digits, "_", "." or "-" to name a proxy');
  return value;
}

/**
 * A header, cookie or certificate field name, checked so it can sit inside a sample fetch's parentheses.
 *
 * @throws UnrenderableValueError when it is absent or not an HTTP token
 */
export function tokenOf(owner: Owner, field: string, value: string | undefined): string {
  if (value === undefined || !TOKEN.test(value)) fail(owner, field, value, 'must be an HTTP token');
  return value;
}

/**
 * A value that ends up in an HTTP message haproxy writes (a Location header, a health check's request line):
 * a line break there would split the message.
 *
 * @throws UnrenderableValueError when it holds a control character, or a blank where `blanks` is false
 */
export function printableOf(owner: Owner, field: string, value: string, blanks = true): string {
  if (CONTROL.test(value) || (!blanks && /\s/.test(value))) {
    fail(owner, field, value, blanks ? 'must not hold control characters' : 'must not hold blanks or controls');
  }
  return value;
}

/**
 * An address and port as haproxy and keepalived write them: `10.0.0.1:80`, `[2001:db8::1]:80`.
 *
 * @throws UnrenderableValueError when the address is not an IP address
 */
export function hostPort(owner: Owner, field: string, address: string, port: number): string {
  const family = isIP(address);
  if (family === 0) fail(owner, field, address, 'must be an IP address');
  return family === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * An IP address, checked.
 *
 * @throws UnrenderableValueError when it is not an IPv4 or IPv6 address
 */
export function addressOf(owner: Owner, field: string, address: string | undefined): string {
  if (address === undefined || isIP(address) === 0) fail(owner, field, address, 'must be an IP address');
  return address;
}

/**
 * A CIDR (`10.0.0.0/8`, `2001:db8::/32`) or a lone address, checked so it can be a `src` pattern.
 *
 * @throws UnrenderableValueError when it is neither
 */
export function cidrOf(owner: Owner, field: string, value: string): string {
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  const bits = family === 6 ? 128 : 32;
  const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
  if (family === 0 || !prefixOk || rest.length > 0) fail(owner, field, value, 'must be an IP address or CIDR');
  return value;
}

/**
 * An operator's path on the amphora, written unquoted into haproxy's and keepalived's files.
 *
 * @throws UnrenderableValueError when it is not absolute or holds blanks, quotes, `#`, `!`, `$`, `\\` or controls
 */
export function pathOf(owner: Owner, field: string, value: string): string {
  if (!/^\/[^\s"'#!$\\]*$/.test(value) || CONTROL.test(value)) {
    fail(owner, field, value, 'must be an absolute path without blanks, quotes, "#", "!", "$" or "\\"');
  }
  return value;
}

/** @throws UnrenderableValueError always: `value` of `field` of `owner` is wrong for `reason`. */
export function fail(owner: Owner, field: string, value: unknown, reason: string): never {
  throw new UnrenderableValueError(owner.type, owner.id, field, value, reason);
}
