import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../activities';
import { loadConfig } from '../config';
import { createNoopDrivers } from '../drivers';
import { createLogger, installTemporalLogging } from '../logger';
import type { Timing } from '../models';
import { ALL_SEARCH_ATTRIBUTES } from '../contracts';
import { startWorker } from '../worker';
import { benchActivities } from './activities';
import { BENCH_NETWORKS, type BenchContext } from './context';
import { renderTable } from './report';
import {
  interleaved,
  throughputAt,
  timedCreate,
  timedDirect,
  timedFloor,
  timedHello,
  timedRollback,
} from './scenarios';
import { failoverStorm } from './storm';
import { round } from './stats';
import { BENCH_WORKER_OPTIONS, SERVER_DYNAMIC_CONFIG } from './tuning';

const PROJECT_DIR = join(__dirname, '..', '..');
const quick = process.argv.includes('--quick');
const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const TIMING: Timing = {
  activityTimeoutMs: 30_000,
  maxAttempts: 5,
  retryInitialIntervalMs: 200,
  compensationMaxAttempts: 5,
  buildPollIntervalMs: 100,
  buildPollAttempts: 600,
};

const PLAN = quick
  ? { samples: 40, levels: { 1: 40, 10: 100, 100: 400, 500: 1000 }, stormSizes: [100, 1000], stormBootMs: 2000 }
  : {
      samples: 200,
      levels: { 1: 100, 10: 400, 100: 1500, 500: 3000 },
      stormSizes: [100, 300, 1000],
      stormBootMs: 2000,
    };

/**
 * `npm run bench [-- --quick]`: everything on one ephemeral dev server in one run, noop drivers, results as ratios
 * measured side by side. Writes bench/results/latest.json and prints a markdown table.
 */
async function main(): Promise<void> {
  const logger = createLogger(process.env.AMPHORA_LOG_LEVEL ?? 'error');
  installTemporalLogging(logger);
  const cli =
    execFileSync(join(PROJECT_DIR, 'temporal-dev.sh'), ['path'], { encoding: 'utf8' }).trim().split('\n').pop() ?? '';
  say(`mode ${quick ? 'quick' : 'full'}; starting an in-memory dev server (${cli})`);
  const server = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli },
      ip: '127.0.0.1',
      searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
      extraArgs: SERVER_DYNAMIC_CONFIG.flatMap((value) => ['--dynamic-config-value', value]),
    },
  });
  const config = loadConfig({ ...process.env, TEMPORAL_ADDRESS: server.address, AMPHORA_TASK_QUEUE: 'bench' });
  const drivers = createNoopDrivers({ buildDelayMs: 0, networks: BENCH_NETWORKS });
  const stormDrivers = createNoopDrivers({ buildDelayMs: PLAN.stormBootMs, networks: BENCH_NETWORKS });
  const workflowsPath = require.resolve('./workflows');
  const worker = await startWorker(config, logger, {
    drivers,
    worker: {
      ...BENCH_WORKER_OPTIONS,
      workflowsPath,
      activities: { ...createActivities(drivers), ...benchActivities },
    },
  });
  const stormWorker = await startWorker({ ...config, taskQueue: 'bench-storm' }, logger, {
    drivers: stormDrivers,
    worker: { ...BENCH_WORKER_OPTIONS, workflowsPath, activities: createActivities(stormDrivers) },
  });
  const ctx: BenchContext = { client: server.client, taskQueue: config.taskQueue, drivers, timing: TIMING };

  try {
    say('warming up');
    for (let i = 0; i < 10; i += 1) await Promise.all([timedCreate(ctx), timedFloor(ctx), timedHello(ctx)]);

    say(`latency: createLoadBalancer, floor, hello, rollback, direct; ${PLAN.samples} samples each, interleaved`);
    const latency = await interleaved(PLAN.samples, {
      create: () => timedCreate(ctx),
      floor: () => timedFloor(ctx),
      hello: () => timedHello(ctx),
      rollback: () => timedRollback(ctx),
      direct: () => timedDirect(ctx),
    });

    const throughput: Record<string, Awaited<ReturnType<typeof throughputAt>>> = {};
    for (const [level, total] of Object.entries(PLAN.levels)) {
      say(`throughput at concurrency ${level} (${total} creates, ours and floor)`);
      throughput[level] = await throughputAt(ctx, Number(level), total);
    }

    // The headline is 1000 at once; smaller storms show where parallelism holds and where throughput takes over.
    const stormBySize: Record<string, Awaited<ReturnType<typeof failoverStorm>>> = {};
    for (const count of PLAN.stormSizes) {
      say(`storm: ${count} failovers at once, boot latency ${PLAN.stormBootMs} ms`);
      stormBySize[count] = await failoverStorm(server.client, 'bench-storm', stormDrivers, {
        count,
        bootMs: PLAN.stormBootMs,
        timing: TIMING,
      });
    }
    const storm = stormBySize[Math.max(...PLAN.stormSizes)];
    if (!storm) throw new Error('no storm was run');

    const ratio = (a: number, b: number) => round(a / b, 3);
    const results = {
      mode: quick ? 'quick' : 'full',
      finishedAt: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      overhead_ratio: ratio(latency.create?.p50 ?? NaN, latency.floor?.p50 ?? NaN),
      lb_create_vs_hello: ratio(latency.create?.p50 ?? NaN, latency.hello?.p50 ?? NaN),
      rollback_vs_create: ratio(latency.rollback?.p50 ?? NaN, latency.create?.p50 ?? NaN),
      direct_vs_temporal: ratio(latency.direct?.p50 ?? NaN, latency.create?.p50 ?? NaN),
      storm_total_over_latency: storm.storm_total_over_latency,
      storm_peak_rss_mb: storm.storm_peak_rss_mb,
      throughput,
      latency_ms: latency,
      storm,
      storm_by_size: Object.fromEntries(
        Object.entries(stormBySize).map(([count, result]) => [count, result.storm_total_over_latency]),
      ),
    };
    const dir = join(PROJECT_DIR, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${renderTable(results)}\n`);
    say(`wrote ${join('bench', 'results', 'latest.json')}`);
  } finally {
    await stormWorker.stop();
    await worker.stop();
    await server.teardown();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
