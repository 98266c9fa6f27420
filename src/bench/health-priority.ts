/**
 * Priority (issue 17, item 5): does a failover get ahead of a backlog of creates on a shared worker? A worker with
 * few slots, so that work queues in the server's matching (where Temporal's task priority orders it) rather than in
 * the worker; a backlog of creates started at once; then two failoverAmphora workflows started together, one with the
 * priority key the entity gives failovers (1) and one with the default (3), each timed from start to result. Both
 * meet the same backlog; the first only delays the second by its own run, and each pair's backlog drains before the
 * next.
 */
import type { Client } from '@temporalio/client';
import { loadConfig } from '../config';
import { startCreateLoadBalancer } from '../controller/operations';
import { createNoopDrivers } from '../drivers';
import type { Logger } from '../logger';
import type { LoadBalancer, Timing } from '../models';
import { startWorker } from '../worker';
import { failoverAmphora } from '../workflows';
import { FAILOVER_PRIORITY } from '../workflows/entity/children';
import { BENCH_AMPHORA_TEMPLATE, BENCH_NETWORKS, benchRequest, runPool } from './context';
import type { ServerStarter } from './health-bed';
import type { HealthPlan } from './health-settings';
import { untrackBenchProcess } from './machine';
import { percentiles, round, since } from './stats';

/** The worker's slots: two workflow tasks and two activities at a time, so a backlog waits in the server. */
const SLOTS = { workflowTasks: 2, activities: 2 };

export interface PriorityResult {
  backlog_creates: number;
  worker_slots: typeof SLOTS;
  /** A failover with nothing queued, for scale (ms). */
  idle_ms: number[];
  /** Failovers behind a backlog, started with priority key 1 (ms). */
  priority_1_ms: number[];
  /** Failovers behind a backlog, started with the default priority (ms). */
  default_priority_ms: number[];
  priority_1_p50_ms: number;
  default_priority_p50_ms: number;
  /** default p50 / priority-1 p50: how much sooner priority brings a failover in. */
  default_over_priority: number;
  /** How long each backlog took to drain, from its first start to its last create's end (ms). */
  backlog_drain_ms: number[];
}

let sequence = 0;
const workflowId = (kind: string) => `bench-priority-${kind}-${process.pid}-${(sequence += 1)}`;

async function timedFailover(
  client: Client,
  taskQueue: string,
  lb: LoadBalancer,
  timing: Timing,
  priorityKey?: number,
): Promise<number> {
  const started = performance.now();
  await client.workflow.execute(failoverAmphora, {
    taskQueue,
    workflowId: workflowId('failover'),
    args: [
      { loadBalancer: { ...lb, amphoraTemplate: BENCH_AMPHORA_TEMPLATE }, amphoraId: lb.amphorae[0]?.id ?? '', timing },
    ],
    ...(priorityKey === undefined ? {} : { priority: { priorityKey } }),
  });
  return Math.round(since(started));
}

/** Runs the measurement on a fresh server with a worker of its own. */
export async function measurePriority(
  startServer: ServerStarter,
  logger: Logger,
  plan: HealthPlan['priority'],
  timing: Timing,
): Promise<PriorityResult> {
  const { server, serverPid } = await startServer();
  const taskQueue = 'bench-priority';
  const config = loadConfig({
    ...process.env,
    TEMPORAL_ADDRESS: server.address,
    AMPHORA_TASK_QUEUE: taskQueue,
    AMPHORA_HEARTBEAT_KEY: undefined,
  });
  const drivers = createNoopDrivers({ buildDelayMs: 0, networks: BENCH_NETWORKS });
  const worker = await startWorker(config, logger, {
    drivers,
    worker: {
      maxConcurrentWorkflowTaskExecutions: SLOTS.workflowTasks,
      maxConcurrentActivityTaskExecutions: SLOTS.activities,
    },
  });
  const { client } = server;
  const create = async () =>
    (await startCreateLoadBalancer(client, taskQueue, benchRequest(timing), workflowId('create'))).result();
  try {
    const targets: LoadBalancer[] = [];
    await runPool(plan.idleSamples + 2 * plan.samples, 2, async () => void targets.push(await create()));
    const target = () => {
      const lb = targets.pop();
      if (!lb) throw new Error('health bench: no load balancer left to fail over');
      return lb;
    };
    const idle: number[] = [];
    for (let i = 0; i < plan.idleSamples; i += 1) idle.push(await timedFailover(client, taskQueue, target(), timing));
    const timed: Record<'priority' | 'default', number[]> = { priority: [], default: [] };
    const drains: number[] = [];
    for (let i = 0; i < plan.samples; i += 1) {
      const backlogStarted = performance.now();
      const backlog = await Promise.all(
        Array.from({ length: plan.backlog }, () =>
          startCreateLoadBalancer(client, taskQueue, benchRequest(timing), workflowId('backlog')),
        ),
      );
      const [first, second] = [target(), target()];
      const [priority, standard] = await Promise.all([
        timedFailover(client, taskQueue, first, timing, FAILOVER_PRIORITY),
        timedFailover(client, taskQueue, second, timing),
      ]);
      timed.priority.push(priority);
      timed.default.push(standard);
      await Promise.all(backlog.map((handle) => handle.result()));
      drains.push(Math.round(since(backlogStarted)));
    }
    const p50 = (values: number[]) => percentiles(values).p50;
    return {
      backlog_creates: plan.backlog,
      worker_slots: SLOTS,
      idle_ms: idle,
      priority_1_ms: timed.priority,
      default_priority_ms: timed.default,
      priority_1_p50_ms: p50(timed.priority),
      default_priority_p50_ms: p50(timed.default),
      default_over_priority: round(p50(timed.default) / p50(timed.priority), 2),
      backlog_drain_ms: drains,
    };
  } finally {
    await worker.stop();
    await server.teardown();
    untrackBenchProcess(serverPid);
  }
}
