/**
 * Entry point of the fabric gateway, run inside a namespace of the fabric:
 *
 *   ip netns exec <ns> node gateway.js --socket <path> --allow <cidr>[,<cidr>...]
 *     [--connect-timeout-ms <ms>] [--ready-file <path>]
 *
 * Node cannot enter another network namespace, but a Unix socket's path is not tied to one: processes in the root
 * namespace connect to `--socket`, and the gateway opens their TCP connections from its own namespace, only to
 * IPv4 destinations inside `--allow`. It prints `ready <socket>` and writes its pid to `--ready-file` once it
 * accepts; on SIGTERM or SIGINT it closes every tunnel, removes the socket and the ready file, and exits 0.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseCidrList } from './cidr';
import { startGatewayServer } from './server';

const USAGE =
  'usage: gateway.js --socket <path> --allow <cidr>[,<cidr>...] [--connect-timeout-ms <ms>] [--ready-file <path>]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      socket: { type: 'string' },
      allow: { type: 'string' },
      'connect-timeout-ms': { type: 'string', default: '3000' },
      'ready-file': { type: 'string' },
    },
  });
  const socketPath = values.socket;
  if (!socketPath || !values.allow) throw new Error(`--socket and --allow are required\n${USAGE}`);
  const allow = parseCidrList(values.allow);
  if (allow.length === 0) throw new Error(`--allow names no network\n${USAGE}`);
  const maxConnectTimeoutMs = Number(values['connect-timeout-ms']);
  if (!Number.isInteger(maxConnectTimeoutMs) || maxConnectTimeoutMs <= 0) {
    throw new Error(`--connect-timeout-ms must be a positive integer, got "${values['connect-timeout-ms']}"`);
  }

  const server = await startGatewayServer(socketPath, {
    allow,
    maxConnectTimeoutMs,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const readyFile = values['ready-file'];
  if (readyFile) writeFileSync(readyFile, `${process.pid}\n`);
  process.stdout.write(`ready ${socketPath}\n`);

  const stop = (): void => {
    void server.close().then(() => {
      if (readyFile) rmSync(readyFile, { force: true });
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
