import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Logger } from '../logger';
import type { Timing } from '../models';
import { startBenchWorker } from './bench-worker';
import { runPool, type BenchContext } from './context';
import { trackBenchProcessTree, untrackBenchProcessTree } from './machine';
import { timedCreate } from './scenarios';
import { percentiles, round } from './stats';

const PROJECT_DIR = join(__dirname, '..', '..');
const SCRIPT = join(PROJECT_DIR, 'temporal-cluster.sh');

/** The bench's cluster: its own state and ports, so an operator's cluster (and the tests') is never touched. */
const CLUSTER_ENV = {
  TEMPORAL_CLUSTER_STATE_DIR: join(PROJECT_DIR, '.temporal', 'cluster-bench'),
  TEMPORAL_CLUSTER_PORT: '7733',
  TEMPORAL_CLUSTER_METRICS_PORT: '9733',
  TEMPORAL_CLUSTER_DB_PORT: '55732',
  TEMPORAL_CLUSTER_SHARDS: '4',
};

/** A Temporal server a phase measures against: its address, a client, and the processes whose CPU is the bench's. */
export interface BenchTemporal {
  address: string;
  client: Client;
  teardown(): Promise<void>;
}

export interface CreatesLevel {
  creates_per_s: number;
  p50_ms: number;
  p95_ms: number;
}

export interface ClusterComparison {
  history_shards: number;
  services: string;
  dev_server: Record<string, CreatesLevel>;
  cluster: Record<string, CreatesLevel>;
  /** cluster creates/s over the dev server's, per concurrency. */
  cluster_over_dev: Record<string, number>;
}

function cluster(args: string[]): string {
  return execFileSync(SCRIPT, args, {
    env: { ...process.env, ...CLUSTER_ENV },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A fresh cluster (empty database) from ./temporal-cluster.sh; its services and PostgreSQL count as the bench's. */
async function startCluster(): Promise<BenchTemporal> {
  cluster(['reset']);
  cluster(['up']);
  const address = cluster(['address']).trim();
  const pidOf = (name: string) =>
    Number(readFileSync(join(CLUSTER_ENV.TEMPORAL_CLUSTER_STATE_DIR, `${name}.pid`), 'utf8'));
  const postmaster = Number(
    readFileSync(join(CLUSTER_ENV.TEMPORAL_CLUSTER_STATE_DIR, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  const roots = [...['frontend', 'history', 'matching', 'worker'].map(pidOf), postmaster];
  roots.forEach(trackBenchProcessTree);
  const connection = await Connection.connect({ address });
  return {
    address,
    client: new Client({ connection }),
    async teardown() {
      await connection.close();
      // Untracked while they still run, so that what they used stays the bench's (they are not its children).
      roots.forEach(untrackBenchProcessTree);
      cluster(['reset']);
    },
  };
}

/** Creates per second with at most `concurrency` in flight, and their latency. */
async function createsAt(ctx: BenchContext, concurrency: number, total: number): Promise<CreatesLevel> {
  const latencies: number[] = [];
  const elapsed = await runPool(total, concurrency, async () => latencies.push(await timedCreate(ctx)));
  const { p50, p95 } = percentiles(latencies);
  return { creates_per_s: round(total / (elapsed / 1000), 1), p50_ms: round(p50, 1), p95_ms: round(p95, 1) };
}

/** Runs a bench worker against `temporal` and measures creates at each concurrency of `levels` (concurrency: total). */
async function measureCreates(
  temporal: BenchTemporal,
  logger: Logger,
  timing: Timing,
  levels: Record<number, number>,
): Promise<Record<string, CreatesLevel>> {
  const { ctx, stop } = await startBenchWorker({ ...temporal, taskQueue: 'bench-sizing', timing, logger });
  try {
    await runPool(20, 10, () => timedCreate(ctx));
    const measured: Record<string, CreatesLevel> = {};
    for (const [concurrency, total] of Object.entries(levels)) {
      measured[concurrency] = await createsAt(ctx, Number(concurrency), total);
    }
    return measured;
  } finally {
    await stop();
  }
}

/**
 * Sizing (issue #18): creates per second at each concurrency on the dev server and on the cluster of
 * ./temporal-cluster.sh (four services, PostgreSQL, 4 history shards), one after the other in the same run, each
 * with a fresh database and the same bench worker.
 */
export async function clusterPhase(options: {
  startDevServer: () => Promise<BenchTemporal>;
  logger: Logger;
  timing: Timing;
  levels: Record<number, number>;
  say: (message: string) => void;
}): Promise<ClusterComparison> {
  const { logger, timing, levels, say } = options;
  say('sizing: creates on the dev server');
  const dev = await options.startDevServer();
  const devServer = await measureCreates(dev, logger, timing, levels).finally(() => dev.teardown());
  say('sizing: creates on the cluster (./temporal-cluster.sh: 4 services, PostgreSQL, 4 history shards)');
  const onCluster = await startCluster();
  const clusterLevels = await measureCreates(onCluster, logger, timing, levels).finally(() => onCluster.teardown());
  return {
    history_shards: Number(CLUSTER_ENV.TEMPORAL_CLUSTER_SHARDS),
    services: 'frontend, history, matching, worker (one process each) on PostgreSQL',
    dev_server: devServer,
    cluster: clusterLevels,
    cluster_over_dev: Object.fromEntries(
      Object.keys(levels).map((level) => [
        level,
        round((clusterLevels[level]?.creates_per_s ?? 0) / (devServer[level]?.creates_per_s ?? 1), 3),
      ]),
    ),
  };
}

/** The sizing as a markdown table: creates per second and latency at each concurrency, dev server beside cluster. */
export function renderSizingTable(sizing: ClusterComparison): string {
  const rows = Object.keys(sizing.dev_server).map((level) => {
    const dev = sizing.dev_server[level];
    const onCluster = sizing.cluster[level];
    return `| ${level} | ${dev?.creates_per_s} | ${dev?.p50_ms} / ${dev?.p95_ms} | ${onCluster?.creates_per_s} | ${onCluster?.p50_ms} / ${onCluster?.p95_ms} | ${sizing.cluster_over_dev[level]} |`;
  });
  return [
    `Sizing: dev server against the cluster (${sizing.services}, ${sizing.history_shards} history shards)`,
    '',
    '| concurrency | dev server creates/s | dev p50 / p95 ms | cluster creates/s | cluster p50 / p95 ms | cluster / dev |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
