/**
 * A storm's worker in a process of its own, so that its memory and CPU are the worker's alone (the bench process
 * also holds the client and its thousand waiting results). It shares the noop cloud with the bench through a SQLite
 * file, says `ready` on stdout, and stops on SIGTERM.
 *
 * Environment: TEMPORAL_ADDRESS, AMPHORA_TASK_QUEUE, AMPHORA_BENCH_NOOP_STATE (the SQLite file),
 * AMPHORA_BENCH_BOOT_MS (how long an instance boots).
 */
import { createActivities } from '../activities';
import { loadConfig } from '../config';
import { createNoopDrivers } from '../drivers';
import { createLogger, installTemporalLogging } from '../logger';
import { startWorker } from '../worker';
import { BENCH_NETWORKS } from './context';
import { BENCH_WORKER_OPTIONS } from './tuning';

async function main(): Promise<void> {
  const logger = createLogger(process.env.AMPHORA_LOG_LEVEL ?? 'error');
  installTemporalLogging(logger);
  const sqliteFile = process.env.AMPHORA_BENCH_NOOP_STATE;
  if (!sqliteFile) throw new Error('AMPHORA_BENCH_NOOP_STATE is required: the SQLite file the bench seeded');
  const drivers = createNoopDrivers({
    state: { sqliteFile },
    buildDelayMs: Number(process.env.AMPHORA_BENCH_BOOT_MS ?? 2000),
    networks: BENCH_NETWORKS,
  });
  const worker = await startWorker(loadConfig(process.env), logger, {
    drivers,
    worker: {
      ...BENCH_WORKER_OPTIONS,
      workflowsPath: require.resolve('./workflows'),
      activities: createActivities(drivers),
    },
  });
  process.once('SIGTERM', () => void worker.stop());
  process.stdout.write('ready\n');
  await worker.done;
}

main().catch((err: unknown) => {
  process.stderr.write(`storm worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
