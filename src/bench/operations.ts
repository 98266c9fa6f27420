import type { Client } from '@temporalio/client';
import { startCreateLoadBalancer } from '../controller/operations';
import type { LoadBalancer } from '../models';
import { treeOf } from '../contracts';
import { configureLoadBalancer, deleteLoadBalancer, failoverAmphora } from '../workflows';
import { BENCH_AMPHORA_TEMPLATE, benchRequest, runPool, startedAsTheEntityDoes, type BenchContext } from './context';
import { ResourceSampler } from './resources';
import { servingTree, withNewMember } from './trees';
import { ownCpuMs, processCpuMs } from './server-process';
import { percentiles, round, since } from './stats';

/** The operations an operator runs, as the bench times them (each its operation workflow, started by a client). */
export const OPERATION_KINDS = [
  'create SINGLE',
  'create ACTIVE_STANDBY',
  'failover',
  'member change',
  'delete',
] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

/** One operation kind at one concurrency. */
export interface OperationLevel {
  n: number;
  ops_per_s: number;
  p50_ms: number;
  p95_ms: number;
  /** CPU of the bench process (worker, client and driver together) per operation. */
  worker_cpu_ms_per_op: number;
  /** CPU of the Temporal dev server per operation. */
  server_cpu_ms_per_op: number;
  peak_rss_mb: number;
}

/** What one operation costs in Temporal: history events and workflow tasks, its child workflows included. */
export interface OperationShape {
  history_events: number;
  workflow_tasks: number;
  workflows: number;
}

let sequence = 0;
const nextId = (kind: string) => `bench-op-${kind.replace(/\W+/g, '-')}-${process.pid}-${(sequence += 1)}`;

async function createOne(ctx: BenchContext, topology: 'SINGLE' | 'ACTIVE_STANDBY', id = nextId('create')) {
  const handle = await startCreateLoadBalancer(ctx.client, ctx.taskQueue, benchRequest(ctx.timing, topology), id);
  return { id, lb: await handle.result() };
}

/**
 * Load balancers to fail over, change or delete: made beforehand, not timed. For member changes each already serves
 * a listener and its pool, as the configuration change that made them left it.
 */
async function prepare(ctx: BenchContext, count: number, serving = false): Promise<LoadBalancer[]> {
  const made: LoadBalancer[] = [];
  await runPool(count, 20, async () => {
    const { lb } = await createOne(ctx, 'SINGLE');
    if (!serving) return void made.push(lb);
    const tree = servingTree(lb);
    const { memberNetworkIds } = await ctx.client.workflow.execute(configureLoadBalancer, {
      taskQueue: ctx.taskQueue,
      workflowId: nextId('serve'),
      args: [{ loadBalancer: { ...lb, tree }, previousTree: treeOf({}), timing: ctx.timing }],
    });
    made.push({ ...lb, tree, memberNetworkIds });
  });
  return made;
}

/** Runs one operation on `lb` (when it needs one) and returns its workflow id. */
async function runOne(ctx: BenchContext, kind: OperationKind, lb: LoadBalancer | undefined): Promise<string> {
  if (kind === 'create SINGLE' || kind === 'create ACTIVE_STANDBY') {
    return (await createOne(ctx, kind === 'create SINGLE' ? 'SINGLE' : 'ACTIVE_STANDBY')).id;
  }
  if (!lb) throw new Error(`${kind} needs a load balancer`);
  const workflowId = nextId(kind);
  if (kind === 'member change') {
    const previousTree = lb.tree ?? treeOf({});
    await ctx.client.workflow.execute(configureLoadBalancer, {
      taskQueue: ctx.taskQueue,
      workflowId,
      ...startedAsTheEntityDoes('configure', lb),
      args: [{ loadBalancer: { ...lb, tree: withNewMember(lb, previousTree) }, previousTree, timing: ctx.timing }],
    });
  } else if (kind === 'failover') {
    await ctx.client.workflow.execute(failoverAmphora, {
      taskQueue: ctx.taskQueue,
      workflowId,
      ...startedAsTheEntityDoes('failover', lb),
      args: [
        {
          loadBalancer: { ...lb, amphoraTemplate: BENCH_AMPHORA_TEMPLATE },
          amphoraId: lb.amphorae[0]?.id ?? '',
          timing: ctx.timing,
        },
      ],
    });
  } else {
    await ctx.client.workflow.execute(deleteLoadBalancer, {
      taskQueue: ctx.taskQueue,
      workflowId,
      ...startedAsTheEntityDoes('delete', lb),
      args: [{ loadBalancer: lb, timing: ctx.timing }],
    });
  }
  return workflowId;
}

/**
 * `total` operations of `kind` with at most `concurrency` in flight: operations per second, latency percentiles, CPU
 * per operation of this process and of the server, and peak RSS.
 */
export async function operationsAt(
  ctx: BenchContext,
  serverPid: number | undefined,
  kind: OperationKind,
  concurrency: number,
  total: number,
): Promise<{ level: OperationLevel; sampleWorkflowId: string }> {
  const targets = kind.startsWith('create') ? [] : await prepare(ctx, total, kind === 'member change');
  const latencies: number[] = [];
  let sampleWorkflowId = '';
  const sampler = new ResourceSampler();
  const [ownBefore, serverBefore] = [ownCpuMs(), processCpuMs(serverPid)];
  const elapsedMs = await runPool(total, concurrency, async (index) => {
    const started = performance.now();
    sampleWorkflowId = await runOne(ctx, kind, targets[index]);
    latencies.push(since(started));
  });
  const [ownAfter, serverAfter] = [ownCpuMs(), processCpuMs(serverPid)];
  const { peakRssMb } = sampler.stop();
  const spread = percentiles(latencies);
  return {
    level: {
      n: total,
      ops_per_s: round(total / (elapsedMs / 1000), 1),
      p50_ms: spread.p50,
      p95_ms: spread.p95,
      worker_cpu_ms_per_op: round((ownAfter - ownBefore) / total, 1),
      server_cpu_ms_per_op: round((serverAfter - serverBefore) / total, 1),
      peak_rss_mb: peakRssMb,
    },
    sampleWorkflowId,
  };
}

/** History events and workflow tasks of a finished workflow and of every child it started. */
export async function operationShape(client: Client, workflowId: string): Promise<OperationShape> {
  const shape: OperationShape = { history_events: 0, workflow_tasks: 0, workflows: 0 };
  const pending = [workflowId];
  while (pending.length > 0) {
    const id = pending.pop() ?? '';
    const history = await client.workflow.getHandle(id).fetchHistory();
    shape.workflows += 1;
    for (const event of history.events ?? []) {
      shape.history_events += 1;
      if (event.workflowTaskCompletedEventAttributes) shape.workflow_tasks += 1;
      const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
      if (child) pending.push(child);
    }
  }
  return shape;
}
