import type { WorkflowHandle } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { healthStatusQuery, statusQuery } from '../../src/contracts';
import type { LoadBalancer } from '../../src/models';
import { createLoadBalancer, deleteLoadBalancer, failoverAmphora, healthManager } from '../../src/workflows';
import { bundleWorkflows } from '../harness/bundle';
import { uniqueTaskQueue } from '../harness/temporal';
import {
  createRequest,
  FAST_TIMING,
  startOrchestrator,
  startTestWorker,
  type Orchestrator,
} from '../workflows/orchestrator';
import { explainReplayFailure, replayAll } from './replayer';

/**
 * A status query that reaches the worker while a workflow task runs its local steps makes the SDK's core end that task
 * early: the step's marker goes into the history, and the code after the step runs in the next task. A replay runs
 * that code in the first task instead, so whatever the code asks of the history there must not depend on where the
 * task ended. `patched()` did (CI at 530fa6e: `amphora lb create --wait` queried a create whose history then failed
 * to replay, "Non-deprecated patch marker encountered … but there is no corresponding change command", and the CLI
 * lost the create's last steps; a worker restart would have left the load balancer stuck in PENDING_CREATE).
 */

/** How often the watcher asks: as an impatient CLI or UI would when many of them watch at once. */
const QUERY_EVERY_MS = 2;
/** Rounds of operations to run until a query has ended a task early at least once (most rounds do). */
const MAX_ROUNDS = 5;

let orchestrator: Orchestrator;
let workflowBundle: { code: string } | { codePath: string };

beforeAll(async () => {
  const codePath = process.env.AMPHORA_TEST_WORKFLOW_BUNDLE;
  workflowBundle = codePath ? { codePath } : { code: await bundleWorkflows(require.resolve('../../src/workflows')) };
  orchestrator = await startOrchestrator({ workflowBundle });
});
afterAll(async () => {
  await orchestrator?.stop();
});

/** Runs `workflow` to its end while querying its status every few milliseconds; returns its result and history. */
async function runQueried<T>(workflow: Workflow, args: unknown[], workflowId: string) {
  const handle: WorkflowHandle = await orchestrator.temporal.client.workflow.start(workflow, {
    taskQueue: orchestrator.taskQueue,
    workflowId,
    args,
  });
  let ended = false;
  const result = (handle.result() as Promise<T>).finally(() => (ended = true));
  while (!ended) {
    // A query that comes before the first task, or that the replay it asks for fails, is simply asked again.
    await handle.query(statusQuery).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, QUERY_EVERY_MS));
  }
  return { result: await result, history: await handle.fetchHistory() };
}

/** Replays `histories` against the bundle under test; returns each failure, explained, or none. */
async function replayFailures(histories: readonly { name: string; file: string; history: History }[]) {
  const outcomes = await replayAll(workflowBundle, histories);
  return Promise.all(
    outcomes.filter((outcome) => outcome.error).map((outcome) => explainReplayFailure(workflowBundle, outcome)),
  );
}

/**
 * Whether a query ended a workflow task early somewhere in `history`: a task whose commands are local steps' markers
 * only, followed at once by the next task that the worker asked for (none of our workflows ends a task that way).
 */
function endedEarly(history: History): boolean {
  const events = history.events ?? [];
  return events.some((event, index) => {
    if (!event.workflowTaskCompletedEventAttributes) return false;
    const after = events.slice(index + 1);
    const next = after.findIndex((candidate) => !candidate.markerRecordedEventAttributes);
    const markers = after.slice(0, next);
    return (
      markers.length > 0 &&
      markers.every((marker) => marker.markerRecordedEventAttributes?.markerName === 'core_local_activity') &&
      Boolean(after[next]?.workflowTaskScheduledEventAttributes)
    );
  });
}

describe('an operation whose status is queried while its local steps run', () => {
  it('replays from its history: creates of both topologies, a failover and a delete', async () => {
    const histories: { name: string; file: string; history: History }[] = [];
    for (let round = 1; round <= MAX_ROUNDS && !histories.some(({ history }) => endedEarly(history)); round++) {
      for (const topology of ['SINGLE', 'ACTIVE_STANDBY'] as const) {
        const request = createRequest({ topology });
        const id = `queried-${request.loadBalancerId}`;
        const created = await runQueried<LoadBalancer>(createLoadBalancer, [request], `${id}-create`);
        const [first] = created.result.amphorae;
        if (!first) throw new Error(`the create of ${request.loadBalancerId} returned no amphora`);
        const input = {
          loadBalancer: { ...created.result, amphoraTemplate: request.amphora },
          amphoraId: first.id,
          timing: FAST_TIMING,
        };
        const failedOver = await runQueried<LoadBalancer>(failoverAmphora, [input], `${id}-failover`);
        const deleted = await runQueried<unknown>(
          deleteLoadBalancer,
          [{ loadBalancer: failedOver.result, timing: FAST_TIMING }],
          `${id}-delete`,
        );
        for (const [step, run] of Object.entries({ create: created, failover: failedOver, delete: deleted })) {
          histories.push({ name: `${topology} ${step}`, file: `${id}-${step} (round ${round})`, history: run.history });
        }
      }
    }
    // The test means something only if a query did end a task early at least once.
    expect(histories.filter(({ history }) => endedEarly(history)).length).toBeGreaterThan(0);

    expect(await replayFailures(histories)).toEqual([]);
  });
});

/** The runs of a workflow that continued as new, from `runId` to its last, each with its history. */
async function chainOf(workflowId: string, runId: string) {
  const runs: { runId: string; history: History }[] = [];
  for (let next: string | undefined = runId; next;) {
    const history: History = await orchestrator.temporal.client.workflow.getHandle(workflowId, next).fetchHistory();
    runs.push({ runId: next, history });
    const last = history.events?.[history.events.length - 1];
    next = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

/** Health managers queried at once, each by {@link WATCHERS_PER_MANAGER} watchers, for {@link MANAGERS_QUERIED_MS}. */
const MANAGERS_QUERIED = 4;
const WATCHERS_PER_MANAGER = 2;
const MANAGERS_QUERIED_MS = 20_000;

describe('the health manager, queried while it looks', () => {
  it('replays every run of its chains, whichever task its decision to continue as new fell in', async () => {
    // Chains of short runs: every run's history passes its limit within a few looks. Before 12-03 evening the manager
    // decided to continue as new right after a look (a local step); a query that cut the look's task off from that
    // code made the history unreplayable ("Timer machine does not handle this event: WorkflowExecutionContinuedAsNew":
    // 14 of 132 runs in 30 s of this test, every run where the cut fell on the look that passed the limit).
    const input = { settings: { heartbeatTimeoutMs: 500, checkIntervalMs: 50 }, historyLimit: 20 };
    const taskQueue = uniqueTaskQueue('queried-health');
    const worker = await startTestWorker(orchestrator.temporal, orchestrator.drivers, {
      taskQueue,
      workflowBundle,
      heartbeats: orchestrator.heartbeats,
    });
    const until = Date.now() + MANAGERS_QUERIED_MS;
    const chains = await Promise.all(
      Array.from({ length: MANAGERS_QUERIED }, async (_, index) => {
        const workflowId = `queried-health-manager-${index}-${taskQueue}`;
        const handle = await orchestrator.temporal.client.workflow.start(healthManager, {
          taskQueue,
          workflowId,
          args: [input],
        });
        const watch = async () => {
          while (Date.now() < until) {
            await handle.query(healthStatusQuery).catch(() => undefined);
            await new Promise((resolve) => setTimeout(resolve, QUERY_EVERY_MS));
          }
        };
        await Promise.all(Array.from({ length: WATCHERS_PER_MANAGER }, watch));
        await handle.terminate('the test has its histories');
        const runs = await chainOf(workflowId, handle.firstExecutionRunId);
        return runs.map(({ runId, history }, run) => ({
          name: `${workflowId}-${run}`,
          file: `${workflowId} run ${runId}`,
          history,
        }));
      }),
    ).finally(() => worker.stop());
    const histories = chains.flat();
    // The test means something only if queries did end tasks early.
    expect(histories.filter(({ history }) => endedEarly(history)).length).toBeGreaterThan(0);

    expect(await replayFailures(histories)).toEqual([]);
  });
});
