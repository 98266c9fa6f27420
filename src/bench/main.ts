import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createLogger, installTemporalLogging } from '../logger';
import type { Timing } from '../models';
import {
  BUSY_PERCENT,
  loadAverage,
  othersCpuPercent,
  OthersSampler,
  trackBenchProcess,
  untrackBenchProcess,
} from './machine';
import { OPERATION_KINDS, operationShape, operationsAt, type OperationLevel, type OperationShape } from './operations';
import { devServerCli, productClient, startBenchDevServer } from './dev-server';
import { startBenchWorker } from './bench-worker';
import type { BenchContext } from './context';
import { healthPhase, type HealthResults } from './health-phase';
import { renderHealthTable } from './health-report';
import { renderTable } from './report';
import {
  interleaved,
  throughputAt,
  timedCreate,
  timedDirect,
  timedFloor,
  timedHello,
  timedRollback,
  timedYardstick,
} from './scenarios';
import { clusterPhase, renderSizingTable, type ClusterComparison } from './cluster';
import { failoverStorm, type StormResult } from './storm';
import { spawnStormWorker } from './storm-spawn';
import { round } from './stats';

const PROJECT_DIR = join(__dirname, '..', '..');
const quick = process.argv.includes('--quick');
/**
 * `--only health` runs the health figures alone, `--only cluster` the dev-server-versus-cluster sizing alone (the
 * other phases run together: their ratios share a run).
 */
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? (process.argv[onlyAt + 1] ?? '') : undefined;
if (only !== undefined && only !== 'health' && only !== 'cluster') {
  process.stderr.write(`--only takes 'health' or 'cluster' (got '${only}'): the other phases run together\n`);
  process.exit(2);
}
/** Creates at each concurrency for the sizing: concurrency -> creates. */
const SIZING_LEVELS = quick ? { 10: 200, 100: 400 } : { 10: 400, 100: 1000 };
const LATEST = join(PROJECT_DIR, 'bench', 'results', 'latest.json');
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
  ? {
      samples: 40,
      levels: { 1: 40, 10: 100, 100: 400, 500: 1000 },
      operations: { 1: 10, 10: 50, 100: 200 },
      stormSizes: [100, 1000],
      stormBootMs: 2000,
    }
  : {
      samples: 200,
      levels: { 1: 100, 10: 400, 100: 1500, 500: 3000 },
      operations: { 1: 40, 10: 200, 100: 500 },
      stormSizes: [100, 300, 1000],
      stormBootMs: 2000,
    };

/** Nova boots take 30-60 s: the storm that matters to an operator runs at this boot time. */
const REAL_BOOT = { count: 1000, bootMs: 30_000 };

type Logger = ReturnType<typeof createLogger>;

/** The bench's dev server (see {@link startBenchDevServer}), its CPU counted as the bench's. */
async function startServer(cli: string): Promise<{ server: TestWorkflowEnvironment; serverPid?: number }> {
  const { server, serverPid } = await startBenchDevServer(cli);
  if (serverPid === undefined) say('the dev server process was not found: server CPU reads as 0');
  trackBenchProcess(serverPid);
  return { server, serverPid };
}

/**
 * A fresh server and a worker whose drivers answer at once, for `measure`: the dev server's in-memory database slows
 * as it fills, so each phase starts from an empty one.
 */
async function onFreshServer<T>(
  cli: string,
  logger: Logger,
  measure: (ctx: BenchContext, server: TestWorkflowEnvironment, serverPid?: number) => Promise<T>,
): Promise<T> {
  const { server, serverPid } = await startServer(cli);
  const product = await productClient(server.address);
  const { ctx, stop } = await startBenchWorker({
    address: server.address,
    client: product.client,
    taskQueue: 'bench',
    timing: TIMING,
    logger,
  });
  try {
    say('warming up');
    for (let i = 0; i < 10; i += 1) await Promise.all([timedCreate(ctx), timedFloor(ctx), timedHello(ctx)]);
    return await measure(ctx, server, serverPid);
  } finally {
    await stop();
    await product.close();
    await server.teardown();
    untrackBenchProcess(serverPid);
  }
}

/** Latency of each scenario, interleaved, and creates per second against the floor. */
async function steadyPhase(ctx: BenchContext) {
  say(`latency: create, floor, hello, empty (also started eagerly), rollback, direct; ${PLAN.samples} samples each`);
  const latency = await interleaved(PLAN.samples, {
    create: () => timedCreate(ctx),
    floor: () => timedFloor(ctx),
    hello: () => timedHello(ctx),
    hello_eager_start: () => timedYardstick(ctx, 'hello', true),
    empty: () => timedYardstick(ctx, 'empty'),
    empty_eager_start: () => timedYardstick(ctx, 'empty', true),
    rollback: () => timedRollback(ctx),
    direct: () => timedDirect(ctx),
  });

  const throughput: Record<string, Awaited<ReturnType<typeof throughputAt>>> = {};
  for (const [level, total] of Object.entries(PLAN.levels)) {
    say(`throughput at concurrency ${level} (${total} creates, ours and floor)`);
    throughput[level] = await throughputAt(ctx, Number(level), total);
  }

  return { latency, throughput };
}

/** The operations an operator runs, each kind at each concurrency, and what each costs in history. */
async function operationsPhase(ctx: BenchContext, server: TestWorkflowEnvironment, serverPid?: number) {
  const operations: Record<string, Record<string, OperationLevel>> = {};
  const shapes: Record<string, OperationShape> = {};
  for (const kind of OPERATION_KINDS) {
    operations[kind] = {};
    for (const [level, total] of Object.entries(PLAN.operations)) {
      say(`operations: ${kind} at concurrency ${level} (${total})`);
      const { level: measured, sampleWorkflowId } = await operationsAt(ctx, serverPid, kind, Number(level), total);
      operations[kind][level] = measured;
      shapes[kind] ??= await operationShape(server.client, sampleWorkflowId);
    }
  }
  return { operations, shapes };
}

/**
 * Failover storms, each on a fresh server (what an earlier phase or storm left in its database would slow it: the
 * 30 s storm ran at 1.85 boot times after the 2 s storms on their server, and at 1.47-1.50 alone): at a short boot
 * (a measure of CPU) and at a real Nova boot time.
 */
async function stormPhase(cli: string) {
  const storm = async (count: number, bootMs: number) => {
    const { server, serverPid } = await startServer(cli);
    try {
      const taskQueue = `bench-storm-${count}-${bootMs}`;
      const worker = await spawnStormWorker(server.address, taskQueue, bootMs);
      trackBenchProcess(worker.pid);
      const product = await productClient(server.address);
      try {
        say(`storm: ${count} failovers at once, boot latency ${bootMs} ms`);
        return await failoverStorm(product.client, taskQueue, worker, { count, bootMs, timing: TIMING, serverPid });
      } finally {
        await product.close();
        await worker.stop();
        untrackBenchProcess(worker.pid);
      }
    } finally {
      await server.teardown();
      untrackBenchProcess(serverPid);
    }
  };
  // The headline is 1000 at once; smaller storms show where parallelism holds and where throughput takes over.
  const stormBySize: Record<string, StormResult> = {};
  for (const count of PLAN.stormSizes) stormBySize[count] = await storm(count, PLAN.stormBootMs);
  const realBoot = await storm(REAL_BOOT.count, REAL_BOOT.bootMs);
  return { stormBySize, realBoot };
}

/**
 * `npm run bench [-- --quick] [--only health]`: noop drivers on in-memory dev servers, results as ratios measured side
 * by side. Writes bench/results/latest.json (with `--only health`, its `health` key alone) and prints markdown tables;
 * refuses to write when other programs took CPU.
 */
async function main(): Promise<void> {
  const logger = createLogger(process.env.AMPHORA_LOG_LEVEL ?? 'error');
  installTemporalLogging(logger);
  const cli = devServerCli();
  const loadBefore = loadAverage();
  const othersBefore = await othersCpuPercent(3_000);
  say(`machine: load average ${loadBefore}, other processes use ${othersBefore} % of a core`);
  say(`mode ${quick ? 'quick' : 'full'}; dev server ${cli}`);
  const others = new OthersSampler();
  const healthOptions = { startServer: () => startServer(cli), logger, quick, timing: TIMING, say };
  const sizingOptions = {
    startDevServer: async () => {
      const { server, serverPid } = await startServer(cli);
      return {
        address: server.address,
        client: server.client,
        async teardown() {
          await server.teardown();
          untrackBenchProcess(serverPid);
        },
      };
    },
    logger,
    timing: TIMING,
    levels: SIZING_LEVELS,
    say,
  };
  if (only !== undefined) {
    const key = only === 'cluster' ? 'cluster_sizing' : 'health';
    const figures = only === 'cluster' ? await clusterPhase(sizingOptions) : await healthPhase(healthOptions);
    process.stdout.write(
      `${only === 'cluster' ? renderSizingTable(figures as ClusterComparison) : renderHealthTable(figures as HealthResults)}\n`,
    );
    const busyDuring = others.percent();
    const machine = {
      cpus: cpus().length,
      node: process.version,
      load_average_before: loadBefore,
      others_cpu_percent_before: othersBefore,
      others_cpu_percent_during: busyDuring,
    };
    // The other figures stay as the last full or quick run left them; these carry their own machine.
    const previous: object = existsSync(LATEST) ? (JSON.parse(readFileSync(LATEST, 'utf8')) as object) : {};
    return writeResults({ ...previous, [key]: { ...figures, machine } }, Math.max(othersBefore, busyDuring));
  }
  const steady = await onFreshServer(cli, logger, steadyPhase);
  const { operations, shapes } = await onFreshServer(cli, logger, operationsPhase);
  const storms = await stormPhase(cli);
  const health = await healthPhase(healthOptions);
  const sizing = await clusterPhase(sizingOptions);
  const busyDuring = others.percent();

  const { latency, throughput } = steady;
  const storm = storms.stormBySize[Math.max(...PLAN.stormSizes)];
  if (!storm) throw new Error('no storm was run');
  const ratio = (a: number, b: number) => round(a / b, 3);
  const results = {
    mode: quick ? 'quick' : 'full',
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      node: process.version,
      load_average_before: loadBefore,
      others_cpu_percent_before: othersBefore,
      others_cpu_percent_during: busyDuring,
    },
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
      Object.entries(storms.stormBySize).map(([count, result]) => [count, result.storm_total_over_latency]),
    ),
    storm_real_boot: storms.realBoot,
    operations,
    operation_shapes: shapes,
    health,
    cluster_sizing: sizing,
  };
  process.stdout.write(`${renderTable(results)}\n\n${renderHealthTable(health)}\n\n${renderSizingTable(sizing)}\n`);
  writeResults(results, Math.max(othersBefore, busyDuring));
}

/** Writes bench/results/latest.json, unless other programs took enough CPU (`busy`) to move the figures. */
function writeResults(results: object, busy: number): void {
  if (busy > BUSY_PERCENT) {
    say(
      `not writing results: other processes used ${busy} % of a core (more than ${BUSY_PERCENT} %), which moves ` +
        'the figures. Run the bench on a quiet machine.',
    );
    process.exitCode = 2;
    return;
  }
  mkdirSync(dirname(LATEST), { recursive: true });
  writeFileSync(LATEST, `${JSON.stringify(results, null, 2)}\n`);
  say(`wrote ${join('bench', 'results', 'latest.json')}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
