/**
 * Entry point of a member server, run inside a member namespace:
 *
 *   ip netns exec <ns> node member.js --name m1 --http <ip>:<port> [--tcp <ip>:<port>] [--udp <ip>:<port>]
 *     [--ready-file <path>]
 *
 * Every answer starts with the member's name (see `startMemberServer`). Once every server listens it prints
 * `ready: <name> listening on http <ip:port>...` and writes its pid to `--ready-file`.
 * Signals: SIGUSR1 makes `/health` answer 503, SIGUSR2 makes it answer 200 again (as do `POST /control/unhealthy`
 * and `POST /control/healthy`; a signal reaches the member even when only a load balancer's VIP reaches its port);
 * SIGTERM or SIGINT closes the servers, removes the ready file and exits 0.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatEndpoint, parseEndpoint } from './endpoint';
import { startMemberServer } from './member-server';

const USAGE =
  'usage: member.js --name <name> --http <ip>:<port> [--tcp <ip>:<port>] [--udp <ip>:<port>] [--ready-file <path>]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      name: { type: 'string' },
      http: { type: 'string' },
      tcp: { type: 'string' },
      udp: { type: 'string' },
      'ready-file': { type: 'string' },
    },
  });
  if (!values.name || !/^\S+$/.test(values.name) || !values.http) {
    throw new Error(`--name (one word) and --http are required\n${USAGE}`);
  }
  const http = parseEndpoint('http', values.http);
  const tcp = values.tcp === undefined ? undefined : parseEndpoint('tcp', values.tcp);
  const udp = values.udp === undefined ? undefined : parseEndpoint('udp', values.udp);
  const member = await startMemberServer({ name: values.name, http, tcp, udp });

  process.on('SIGUSR1', () => member.setHealthy(false));
  process.on('SIGUSR2', () => member.setHealthy(true));
  const readyFile = values['ready-file'];
  const stop = (): void => {
    void member.close().then(() => {
      if (readyFile) rmSync(readyFile, { force: true });
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  if (readyFile) writeFileSync(readyFile, `${process.pid}\n`);
  const listening = [['http', http] as const, ['tcp', tcp] as const, ['udp', udp] as const]
    .flatMap(([kind, endpoint]) => (endpoint ? [`${kind} ${formatEndpoint(endpoint)}`] : []))
    .join(', ');
  process.stdout.write(`ready: ${values.name} listening on ${listening}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`member: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
