import { Client } from '@temporalio/client';
import { createActivities } from '../activities';
import { loadConfig } from '../config';
import { createNoopDrivers } from '../drivers';
import type { Logger } from '../logger';
import type { Timing } from '../models';
import { startWorker } from '../worker';
import { benchActivities } from './activities';
import { BENCH_NETWORKS, type BenchContext } from './context';
import { BENCH_WORKER_OPTIONS } from './tuning';

/**
 * The bench's worker on the server at `address`: noop drivers that answer at once, the bench's workflows and
 * activities, and the context the scenarios run in (`client` starts workflows; the eager client is the worker's own
 * connection).
 */
export async function startBenchWorker(options: {
  address: string;
  client: Client;
  taskQueue: string;
  timing: Timing;
  logger: Logger;
}): Promise<{ ctx: BenchContext; stop: () => Promise<void> }> {
  const config = loadConfig({
    ...process.env,
    TEMPORAL_ADDRESS: options.address,
    AMPHORA_TASK_QUEUE: options.taskQueue,
  });
  const drivers = createNoopDrivers({ buildDelayMs: 0, networks: BENCH_NETWORKS });
  const worker = await startWorker(config, options.logger, {
    drivers,
    worker: {
      ...BENCH_WORKER_OPTIONS,
      workflowsPath: require.resolve('./workflows'),
      activities: { ...createActivities(drivers), ...benchActivities },
    },
  });
  const ctx: BenchContext = {
    client: options.client,
    eagerClient: new Client({ connection: worker.connection, namespace: config.temporal.namespace }),
    taskQueue: config.taskQueue,
    drivers,
    timing: options.timing,
  };
  return { ctx, stop: () => worker.stop() };
}
