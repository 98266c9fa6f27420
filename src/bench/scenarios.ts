import type { Vip } from '../models';
import { startCreateLoadBalancer } from '../controller/operations';
import { benchRequest, runPool, type BenchContext } from './context';
import { ResourceSampler } from './resources';
import { percentiles, round, since, type Percentiles } from './stats';
import { empty, floorCreate, hello } from './workflows';

let sequence = 0;
const workflowId = (kind: string) => `bench-${kind}-${process.pid}-${(sequence += 1)}`;

/** One createLoadBalancer, start to result, in milliseconds. */
export async function timedCreate(
  ctx: BenchContext,
  topology: 'SINGLE' | 'ACTIVE_STANDBY' = 'SINGLE',
): Promise<number> {
  const started = performance.now();
  const handle = await startCreateLoadBalancer(
    ctx.client,
    ctx.taskQueue,
    benchRequest(ctx.timing, topology),
    workflowId('create'),
  );
  await handle.result();
  return since(started);
}

export async function timedFloor(ctx: BenchContext, topology: 'SINGLE' | 'ACTIVE_STANDBY' = 'SINGLE'): Promise<number> {
  const started = performance.now();
  await ctx.client.workflow.execute(floorCreate, {
    taskQueue: ctx.taskQueue,
    workflowId: workflowId('floor'),
    args: [topology],
  });
  return since(started);
}

/**
 * One yardstick workflow, start to result: `hello` (one empty activity) or `empty` (none). With `eager`, started
 * through the worker's own connection with eager start, as a client in the worker's process can.
 */
export async function timedYardstick(ctx: BenchContext, kind: 'hello' | 'empty', eager = false): Promise<number> {
  const client = eager ? ctx.eagerClient : ctx.client;
  const started = performance.now();
  await client.workflow.execute(kind === 'hello' ? hello : empty, {
    taskQueue: ctx.taskQueue,
    workflowId: workflowId(`${kind}${eager ? '-eager' : ''}`),
    args: [],
    requestEagerStart: eager,
  });
  return since(started);
}

export function timedHello(ctx: BenchContext): Promise<number> {
  return timedYardstick(ctx, 'hello');
}

/** A create that fails at its last step (updateVip), so every compensation runs. */
export async function timedRollback(ctx: BenchContext): Promise<number> {
  const request = benchRequest(ctx.timing);
  ctx.drivers.faults.setPlan({ rules: [{ method: 'updateVip', call: 1, subjectIncludes: request.loadBalancerId }] });
  const started = performance.now();
  const failed = await startCreateLoadBalancer(ctx.client, ctx.taskQueue, request, workflowId('rollback'))
    .then((handle) => handle.result())
    .then(
      () => false,
      () => true,
    );
  const elapsed = since(started);
  ctx.drivers.faults.clear();
  if (!failed) throw new Error('the rollback scenario expected its create to fail at updateVip');
  return elapsed;
}

/** The same steps as a SINGLE create, called in-process on the drivers: no Temporal, no durability. */
export async function timedDirect(ctx: BenchContext): Promise<number> {
  const { compute, network } = ctx.drivers;
  const request = benchRequest(ctx.timing);
  const started = performance.now();
  const vip: Vip = await network.allocateVip({ loadBalancerId: request.loadBalancerId, subnetId: 'vip-subnet' });
  const amphoraId = `direct-${request.loadBalancerId}`;
  const computeId = await compute.build({ name: `amphora-${amphoraId}`, networkIds: ['lb-mgmt-net'] });
  while ((await compute.getAmphora({ id: computeId })).amphora.state !== 'ACTIVE') {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await network.plugVip({
    loadBalancerId: request.loadBalancerId,
    vip,
    amphorae: [{ id: amphoraId, computeId, status: 'BOOTING' }],
  });
  await network.updateVip({ loadBalancerId: request.loadBalancerId, vip, listenerPorts: request.listenerPorts ?? [] });
  return since(started);
}

/** Runs the timed functions in turn, `samples` times each, so drift on a shared machine hits all of them alike. */
export async function interleaved(
  samples: number,
  runs: Record<string, () => Promise<number>>,
): Promise<Record<string, Percentiles>> {
  const results: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map((name) => [name, []]));
  const names = Object.keys(runs);
  for (let round = 0; round < samples; round += 1) {
    // Rotate the order each round: no scenario always runs right after the same neighbour.
    for (let offset = 0; offset < names.length; offset += 1) {
      const name = names[(round + offset) % names.length] ?? '';
      results[name]?.push(await (runs[name] as () => Promise<number>)());
    }
  }
  return Object.fromEntries(Object.entries(results).map(([name, values]) => [name, percentiles(values)]));
}

export interface ThroughputLevel {
  ours: number;
  floor: number;
  ratio: number;
  worker_cpu_percent: number;
  worker_rss_mb: number;
}

/** Creates per second at `concurrency`, ours and the floor's, in alternating halves. */
export async function throughputAt(ctx: BenchContext, concurrency: number, total: number): Promise<ThroughputLevel> {
  const sampler = new ResourceSampler();
  const half = Math.max(concurrency, Math.floor(total / 2));
  let oursMs = 0;
  let floorMs = 0;
  for (const order of [0, 1]) {
    const runOurs = async () => (oursMs += await runPool(half, concurrency, () => timedCreate(ctx)));
    const runFloor = async () => (floorMs += await runPool(half, concurrency, () => timedFloor(ctx)));
    if (order === 0) {
      await runOurs();
      await runFloor();
    } else {
      await runFloor();
      await runOurs();
    }
  }
  const { cpuPercent, peakRssMb } = sampler.stop();
  const ours = (2 * half) / (oursMs / 1000);
  const floor = (2 * half) / (floorMs / 1000);
  return {
    ours: round(ours, 1),
    floor: round(floor, 1),
    ratio: round(ours / floor, 3),
    worker_cpu_percent: cpuPercent,
    worker_rss_mb: peakRssMb,
  };
}
