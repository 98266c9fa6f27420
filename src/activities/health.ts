import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import {
  entityWorkflowId,
  FailureTypes,
  failoverAmphoraUpdate,
  markFailoverStoppedUpdate,
  type HealthLook,
  type WatchedAmphora,
} from '../contracts';
import type { LoadBalancer, ProvisioningStatus } from '../models';

/**
 * What the health manager's activities need of the heartbeat store (the controller's `HeartbeatStore` is one): when
 * each amphora was last heard from, and the set of watched amphorae.
 */
export interface HeartbeatWatch {
  watch(amphoraIds: readonly string[], now: number): Map<string, number>;
  last(amphoraId: string): { receivedAt: number } | undefined;
}

/** Load balancers whose amphorae are watched: serving, or busy with an operation that will end (they wait a turn). */
const WATCHED_LOAD_BALANCERS: readonly ProvisioningStatus[] = ['ACTIVE', 'ERROR', 'PENDING_UPDATE'];
/** Amphorae that serve, or that the breaker stopped; those being built or removed are not watched. */
const WATCHED_AMPHORAE = new Set(['ALLOCATED', 'FAILOVER_STOPPED']);
/** Entity updates in flight at once when a look acts on many amphorae (a storm). */
const ACT_CONCURRENCY = 16;

/** What became of one request to an entity. */
export type HealthActOutcome = 'accepted' | 'busy' | 'gone';

export interface HealthActRequest {
  failover: Pick<WatchedAmphora, 'amphoraId' | 'loadBalancerId'>[];
  stop: Pick<WatchedAmphora, 'amphoraId' | 'loadBalancerId'>[];
  resume: Pick<WatchedAmphora, 'amphoraId' | 'loadBalancerId'>[];
}

/** Per amphora id, what became of its failover, stop or resume. */
export type HealthActResult = Record<string, HealthActOutcome>;

/**
 * The health manager's activities: look at the last heartbeats of every serving amphora, and ask entities to fail
 * over, stop or resume amphorae. Without a heartbeat store or a Temporal client they fail, non-retryable, naming
 * what is missing (a worker started without AMPHORA_HEARTBEAT_KEY has no health manager to run them).
 */
export function createHealthActivities(options: { temporalClient?: Client; heartbeats?: HeartbeatWatch }) {
  const need = () => {
    const { temporalClient, heartbeats } = options;
    if (!temporalClient || !heartbeats) {
      throw ApplicationFailure.nonRetryable(
        'This worker has no heartbeat store: start it with AMPHORA_HEARTBEAT_KEY set to run the health manager.',
        FailureTypes.validation,
      );
    }
    return { client: temporalClient, store: heartbeats };
  };
  return {
    /**
     * Every amphora of a live load balancer of the task queue that serves (or was stopped by the breaker), with when it was last heard
     * from. Updates the store's watched set, so that listeners drop the heartbeats of amphorae gone since.
     */
    async lookAtHealth(input: { taskQueue: string }): Promise<HealthLook> {
      const { client, store } = need();
      const found: Omit<WatchedAmphora, 'lastHeardAt' | 'heard'>[] = [];
      // The entities of this manager's task queue (a plain name: anything else would not be a queue it runs on).
      if (!/^[A-Za-z0-9_.:-]+$/.test(input.taskQueue)) {
        throw ApplicationFailure.nonRetryable(`Invalid task queue name ${JSON.stringify(input.taskQueue)}`);
      }
      const query = `WorkflowType = 'loadBalancerEntity' AND ExecutionStatus = 'Running' AND TaskQueue = '${input.taskQueue}'`;
      for await (const execution of client.workflow.list({ query })) {
        const record = execution.memo?.loadBalancer as LoadBalancer | undefined;
        if (!record || !WATCHED_LOAD_BALANCERS.includes(record.provisioningStatus)) continue;
        for (const amphora of record.amphorae) {
          if (!WATCHED_AMPHORAE.has(amphora.status)) continue;
          found.push({
            amphoraId: amphora.id,
            loadBalancerId: record.id,
            status: amphora.status,
            loadBalancerStatus: record.provisioningStatus,
          });
        }
      }
      const at = Date.now();
      const since = store.watch(
        found.map((amphora) => amphora.amphoraId),
        at,
      );
      const amphorae = found.map((amphora): WatchedAmphora => {
        const watchedSince = since.get(amphora.amphoraId) ?? at;
        const last = store.last(amphora.amphoraId);
        const heard = last !== undefined && last.receivedAt >= watchedSince;
        return { ...amphora, lastHeardAt: Math.max(watchedSince, last?.receivedAt ?? 0), heard };
      });
      return { at, amphorae };
    },

    /** Sends each failover, stop and resume to its load balancer's entity; a busy one is retried at the next look. */
    async actOnHealth(request: HealthActRequest): Promise<HealthActResult> {
      const { client } = need();
      const jobs = [
        ...request.failover.map((target) => ({ target, send: failover })),
        ...request.stop.map((target) => ({ target, send: mark(true) })),
        ...request.resume.map((target) => ({ target, send: mark(false) })),
      ];
      const result: HealthActResult = {};
      let next = 0;
      const lane = async () => {
        while (next < jobs.length) {
          const { target, send } = jobs[next] as (typeof jobs)[number];
          next += 1;
          result[target.amphoraId] = await outcomeOf(() => send(client, target));
        }
      };
      await Promise.all(Array.from({ length: Math.min(ACT_CONCURRENCY, jobs.length) }, lane));
      return result;
    },
  };
}

type Target = Pick<WatchedAmphora, 'amphoraId' | 'loadBalancerId'>;

const entity = (client: Client, target: Target) => client.workflow.getHandle(entityWorkflowId(target.loadBalancerId));

async function failover(client: Client, target: Target): Promise<void> {
  await entity(client, target).executeUpdate(failoverAmphoraUpdate, { args: [{ amphoraId: target.amphoraId }] });
}

const mark =
  (stopped: boolean) =>
  async (client: Client, target: Target): Promise<void> => {
    await entity(client, target).executeUpdate(markFailoverStoppedUpdate, {
      args: [{ amphoraIds: [target.amphoraId], stopped }],
    });
  };

/**
 * An entity's answer as an outcome: a conflict (PENDING_*: it runs another operation) waits for the next look; a
 * load balancer or amphora that no longer exists is gone. Anything else (the server unreachable) fails the activity,
 * which Temporal retries.
 */
async function outcomeOf(send: () => Promise<void>): Promise<HealthActOutcome> {
  try {
    await send();
    return 'accepted';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'gone';
    if (err instanceof Error && /workflow execution already completed/i.test(err.message)) return 'gone';
    const failure = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
    if (failure instanceof ApplicationFailure) {
      if (failure.type === FailureTypes.conflict) return 'busy';
      if (failure.type === FailureTypes.notFound) return 'gone';
    }
    throw err;
  }
}
