import type { Client } from '@temporalio/client';
import type { NoopDrivers } from '../drivers';
import { amphoraName, type LoadBalancer, type Timing } from '../models';
import { BENCH_AMPHORA_TEMPLATE, startedAsTheEntityDoes } from './context';
import { failoverAmphora } from '../workflows';
import { processCpuMs } from './server-process';
import type { StormWorker } from './storm-spawn';
import { round, since } from './stats';

/** Builds `count` SINGLE load balancers straight on the drivers: the storm's starting point, not what it measures. */
let storms = 0;

async function seedLoadBalancers(drivers: NoopDrivers, count: number, bootMs: number): Promise<LoadBalancer[]> {
  const tag = `${process.pid}-${(storms += 1)}`;
  const seeds = await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const id = `storm-${tag}-lb-${index}`;
      const amphoraId = `storm-${tag}-amphora-${index}`;
      const vip = await drivers.network.allocateVip({ loadBalancerId: id, subnetId: 'vip-subnet' });
      const computeId = await drivers.compute.build({ name: amphoraName(amphoraId), networkIds: ['lb-mgmt-net'] });
      return { id, amphoraId, vip, computeId };
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, bootMs + 50));
  return Promise.all(
    seeds.map(async ({ id, amphoraId, vip, computeId }) => {
      const [amphora] = await drivers.network.plugVip({
        loadBalancerId: id,
        vip,
        amphorae: [{ id: amphoraId, computeId, status: 'ALLOCATED', role: 'STANDALONE' }],
      });
      const record: LoadBalancer = {
        id,
        projectId: 'bench',
        name: 'storm',
        description: '',
        provisioningStatus: 'ACTIVE',
        operatingStatus: 'ONLINE',
        topology: 'SINGLE',
        vip,
        amphorae: amphora ? [amphora] : [],
        tags: [],
        createdAt: new Date().toISOString(),
      };
      return record;
    }),
  );
}

export interface StormResult {
  amphorae: number;
  latency_ms: number;
  total_ms: number;
  failed: number;
  storm_total_over_latency: number;
  /** The worker process's peak resident memory (its own process: the client's memory is not in it). */
  storm_peak_rss_mb: number;
  /** CPU per failover: the worker process and the Temporal server. */
  worker_cpu_ms_per_failover: number;
  server_cpu_ms_per_failover: number;
}

/**
 * A failover storm: `count` failoverAmphora workflows started at once while every replacement takes `bootMs` to boot.
 * Perfect parallelism finishes them all in about one boot time. The worker runs in its own process (`worker`).
 */
export async function failoverStorm(
  client: Client,
  taskQueue: string,
  worker: Pick<StormWorker, 'pid' | 'drivers' | 'peakRssMb'>,
  options: { count: number; bootMs: number; timing: Timing; serverPid?: number },
): Promise<StormResult> {
  const lbs = await seedLoadBalancers(worker.drivers, options.count, options.bootMs);
  const [workerBefore, serverBefore] = [processCpuMs(worker.pid), processCpuMs(options.serverPid)];
  const started = performance.now();
  const handles = await Promise.all(
    lbs.map((lb) =>
      client.workflow.start(failoverAmphora, {
        taskQueue,
        workflowId: `bench-storm-${lb.id}`,
        ...startedAsTheEntityDoes('failover', lb),
        args: [
          {
            loadBalancer: { ...lb, amphoraTemplate: BENCH_AMPHORA_TEMPLATE },
            amphoraId: lb.amphorae[0]?.id ?? '',
            timing: options.timing,
          },
        ],
      }),
    ),
  );
  const outcomes = await Promise.allSettled(handles.map((handle) => handle.result()));
  const totalMs = since(started);
  const [workerAfter, serverAfter] = [processCpuMs(worker.pid), processCpuMs(options.serverPid)];
  return {
    amphorae: options.count,
    latency_ms: options.bootMs,
    total_ms: Math.round(totalMs),
    failed: outcomes.filter((outcome) => outcome.status === 'rejected').length,
    storm_total_over_latency: round(totalMs / options.bootMs, 3),
    storm_peak_rss_mb: worker.peakRssMb(),
    worker_cpu_ms_per_failover: round((workerAfter - workerBefore) / options.count, 1),
    server_cpu_ms_per_failover: round((serverAfter - serverBefore) / options.count, 1),
  };
}
