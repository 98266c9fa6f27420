/**
 * The health listener as a process of its own (Octavia's health manager's UDP half): any number of them may run, on
 * any controller host that shares the heartbeat store, each bound to AMPHORA_HEALTH_LISTEN.
 *
 *   AMPHORA_HEARTBEAT_KEY=… AMPHORA_HEALTH_STORE=/var/lib/amphora-orchestrator/health.sqlite \
 *   AMPHORA_HEALTH_LISTEN=0.0.0.0:5555 node dist/controller/health/main.js [--ready-file <path>]
 *
 * It prints `listening <host>:<port>` once bound (and writes its pid to `--ready-file`), logs what became of the
 * datagrams every minute when something arrived, and exits 0 on SIGTERM or SIGINT.
 */
import { parseArgs } from 'node:util';
import { runHealthListener } from './run-listener';

const { values } = parseArgs({ options: { 'ready-file': { type: 'string' } } });
runHealthListener(values['ready-file']).catch((err: unknown) => {
  process.stderr.write(`health listener: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
