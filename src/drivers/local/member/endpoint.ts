import { isIPv4 } from 'node:net';

/** An IPv4 address and a port a member server binds to. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `a.b.c.d:port`. Only literal IPv4 addresses: a member binds to exactly the address it is given, never to
 * all of them.
 * @throws {Error} naming the option and the text.
 */
export function parseEndpoint(option: string, text: string): Endpoint {
  const match = /^([\d.]+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || !isIPv4(match[1] ?? '') || port < 1 || port > 65535) {
    throw new Error(`--${option} must be <ipv4>:<port> such as 203.0.113.21:8080, got "${text}"`);
  }
  return { host: match[1] ?? '', port };
}

/** `host:port`, as members print it. */
export function formatEndpoint(endpoint: Endpoint): string {
  return `${endpoint.host}:${endpoint.port}`;
}
