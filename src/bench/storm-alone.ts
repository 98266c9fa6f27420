/**
 * One failover storm alone, for profiling between bench runs: a fresh dev server with the project's dynamic config,
 * the storm worker in its own process, and the storm's figures as one JSON line. It writes no results file.
 *
 *   node lib/bench/storm-alone.js            (after `npm run build`)
 *
 * Environment: STORM_COUNT (1000), STORM_BOOT_MS (30000), STORM_POLL_MS (100, the bench's; the product's is 10000),
 * STORM_POLL_ATTEMPTS (600). Whatever else is set reaches the storm worker too (NODE_OPTIONS, MALLOC_ARENA_MAX).
 */
import type { Timing } from '../models';
import { devServerCli, productClient, startBenchDevServer } from './dev-server';
import { failoverStorm } from './storm';
import { spawnStormWorker } from './storm-spawn';

const number = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function main(): Promise<void> {
  const count = number('STORM_COUNT', 1000);
  const bootMs = number('STORM_BOOT_MS', 30_000);
  const timing: Timing = {
    activityTimeoutMs: 30_000,
    maxAttempts: 5,
    retryInitialIntervalMs: 200,
    compensationMaxAttempts: 5,
    buildPollIntervalMs: number('STORM_POLL_MS', 100),
    buildPollAttempts: number('STORM_POLL_ATTEMPTS', 600),
  };
  const { server, serverPid } = await startBenchDevServer(devServerCli());
  try {
    const worker = await spawnStormWorker(server.address, 'storm-alone', bootMs);
    const product = await productClient(server.address);
    try {
      const result = await failoverStorm(product.client, 'storm-alone', worker, { count, bootMs, timing, serverPid });
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } finally {
      await product.close();
      await worker.stop();
    }
  } finally {
    await server.teardown();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`storm-alone failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
