/**
 * A health listener in a process of its own, for the throughput figure: its CPU time is then the listener's alone
 * (the sender runs in another). Forked with the IPC channel, and with this environment:
 *
 * - AMPHORA_HEARTBEAT_KEY: the key the sender signs with;
 * - AMPHORA_BENCH_HEALTH_STORE: `memory`, or the SQLite file to record into (the product's store);
 * - AMPHORA_BENCH_AMPHORAE: how many of the bench's amphora ids are watched.
 *
 * It says `{ type: 'ready', port }` once bound; on `start` it takes its CPU time and counts as the baseline
 * (`started`), on `report` it answers with the CPU milliseconds and datagram counts since, and on `stop` it exits.
 */
import { startHealthListener, type HeartbeatOutcome } from '../controller/health/listener';
import { MemoryHeartbeatStore, openHeartbeatStore } from '../controller/health/store';
import { throughputAmphoraIds } from './health-settings';

/** What the listener says over the IPC channel. */
export type ListenerMessage =
  | { type: 'ready'; port: number }
  | { type: 'started' }
  | { type: 'report'; cpuMs: number; counts: Record<HeartbeatOutcome, number> };

async function main(): Promise<void> {
  const key = process.env.AMPHORA_HEARTBEAT_KEY ?? '';
  const file = process.env.AMPHORA_BENCH_HEALTH_STORE ?? 'memory';
  const store = file === 'memory' ? new MemoryHeartbeatStore() : openHeartbeatStore(file);
  store.watch(throughputAmphoraIds(Number(process.env.AMPHORA_BENCH_AMPHORAE ?? 1000)), Date.now());
  const listener = await startHealthListener({
    host: '127.0.0.1',
    port: 0,
    key,
    store,
    isKnown: (amphoraId) => store.isWatched(amphoraId),
  });
  const say = (message: ListenerMessage) => process.send?.(message);
  let cpu = process.cpuUsage();
  let counts = listener.counts();
  process.on('message', (message: { type: string }) => {
    if (message.type === 'start') {
      cpu = process.cpuUsage();
      counts = listener.counts();
      say({ type: 'started' });
    } else if (message.type === 'report') {
      const used = process.cpuUsage(cpu);
      const now = listener.counts();
      const since = Object.fromEntries(
        Object.entries(now).map(([outcome, count]) => [outcome, count - counts[outcome as HeartbeatOutcome]]),
      ) as Record<HeartbeatOutcome, number>;
      say({ type: 'report', cpuMs: (used.user + used.system) / 1000, counts: since });
    } else if (message.type === 'stop') {
      void listener.close().then(() => {
        store.close();
        process.exit(0);
      });
    }
  });
  say({ type: 'ready', port: listener.address().port });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench health listener failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
