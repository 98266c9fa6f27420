import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { FaultRule, InventoryItem, JournalEntry } from '../../src/drivers';
import { amphoraName, type LoadBalancer, type Timing, type Topology } from '../../src/models';
import { treeOf } from '../../src/contracts';
import { configureLoadBalancer, createLoadBalancer, failoverAmphora, plugMemberNetwork } from '../../src/workflows';
import { sampleTree } from '../replay/sample-tree';
import { connectTestTemporal, type TestTemporal } from '../harness/temporal';
import { HANG_TIMING, LATE_MS, MODES, ruleFor, STEPS, type Flow, type Mode } from './fault-steps';
import { createRequest, failureOf, FAST_TIMING, startOrchestrator, statusOf, type Orchestrator } from './orchestrator';

/**
 * The fault matrix: for each topology, each non-nullipotent step of create, failover and member-network plug, and
 * each failure mode, the workflow runs on the real dev server with noop drivers, and must fail naming the step,
 * leave the inventory exactly as it was, end in ERROR, and undo nothing twice. Cancels and transient faults too.
 */

interface Case {
  flow: Flow;
  topology: Topology;
  method: string;
  step: string;
}
const cases: Case[] = (Object.keys(STEPS) as Flow[]).flatMap((flow) =>
  STEPS[flow].flatMap(({ method, step, topologies }) =>
    topologies.map((topology) => ({ flow, topology, method, step })),
  ),
);
const title = (c: Case) => `${c.flow} ${c.topology}: ${c.method}`;

let temporal: TestTemporal;
beforeAll(async () => {
  temporal = await connectTestTemporal();
});
afterAll(async () => {
  await temporal.close();
  process.stdout.write(`\nfault matrix: ${results.cases} cases, ${results.leaked} leaked\n`);
});
const results = { cases: 0, leaked: 0 };

/**
 * Prepares `flow` on a fresh orchestrator (for failover and plug, a load balancer created without faults), applies
 * `rules`, starts the workflow and returns its handle with the inventory to compare against afterwards.
 */
async function startFlow(
  orchestrator: Orchestrator,
  c: Case,
  rules: FaultRule[] | ((lb?: LoadBalancer) => FaultRule[]),
  timing: Timing,
) {
  const { client } = orchestrator.temporal;
  const request = createRequest({ topology: c.topology, timing });
  const start = { taskQueue: orchestrator.taskQueue, workflowId: `${c.flow}-${request.loadBalancerId}` };
  let lb: LoadBalancer | undefined;
  if (c.flow !== 'create') {
    lb = await client.workflow.execute(createLoadBalancer, {
      ...start,
      workflowId: `setup-${request.loadBalancerId}`,
      args: [request],
    });
  }
  const baseline = orchestrator.drivers.inventory();
  const configs = await appliedConfigs(orchestrator, lb);
  const journalFrom = orchestrator.drivers.journal().length;
  orchestrator.drivers.faults.setPlan({ rules: typeof rules === 'function' ? rules(lb) : rules });
  let handle: WorkflowHandle;
  if (c.flow === 'create') {
    handle = await client.workflow.start(createLoadBalancer, { ...start, args: [request] });
  } else if (c.flow === 'failover' && lb) {
    handle = await client.workflow.start(failoverAmphora, {
      ...start,
      args: [
        { loadBalancer: { ...lb, amphoraTemplate: request.amphora }, amphoraId: lb.amphorae[0]?.id ?? '', timing },
      ],
    });
  } else if (c.flow === 'configure' && lb) {
    handle = await client.workflow.start(configureLoadBalancer, {
      ...start,
      args: [{ loadBalancer: { ...lb, tree: sampleTree(lb) }, previousTree: treeOf({}), timing }],
    });
  } else if (lb) {
    handle = await client.workflow.start(plugMemberNetwork, {
      ...start,
      args: [{ loadBalancer: lb, networkId: 'member-net-a', timing }],
    });
  } else {
    throw new Error('unreachable: no load balancer to work on');
  }
  return { handle, baseline, journalFrom, lb, configs };
}

/** What each amphora of the load balancer runs (the amphora driver's state is not in the cloud's inventory). */
function appliedConfigs(orchestrator: Orchestrator, lb: LoadBalancer | undefined) {
  return Promise.all((lb?.amphorae ?? []).map((amphora) => orchestrator.drivers.amphora.getConfiguration(amphora)));
}

/**
 * Steps undone by calling the same driver method again (a push undone by pushing the previous tree, the peer's VRRP
 * update by the previous one, the VIP's ports by the previous ports). A fault plan counts calls, so it cannot tell the
 * step's attempts from its undo: on a loaded machine an attempt can time out before it reaches the driver, and the
 * undo then meets the fault meant for the step. These steps are failed `before` and `after` their side effect only,
 * on their first call; hangs and late effects of the amphora driver are covered by its own fault tests
 * (test/drivers/amphora/noop-faults.test.ts).
 */
const selfUndone = (c: Case) =>
  (c.flow === 'configure' && (c.method === 'updateAmphoraListeners' || c.method === 'updateVip')) ||
  (c.flow === 'failover' && c.method === 'updateVrrpConfiguration');

/** The fault rules of a case: a push is aimed at the first amphora, so the other amphora's push goes through. */
const rulesFor = (c: Case, mode: Mode) => (lb?: LoadBalancer) => {
  const first = lb?.amphorae[0];
  const aimed = c.flow === 'configure' && c.method === 'updateAmphoraListeners' && first;
  return [ruleFor(c.method, mode, aimed ? amphoraName(first.id) : undefined)];
};

/** Nothing was created twice under one name, and nothing deleted twice. */
function expectNothingTwice(entries: JournalEntry[]): void {
  const count = (keys: string[]) =>
    keys.reduce((counts, key) => counts.set(key, (counts.get(key) ?? 0) + 1), new Map<string, number>());
  const created = count(entries.filter((e) => e.effect === 'created' && e.name).map((e) => `${e.kind}:${e.name}`));
  const deleted = count(entries.filter((e) => e.effect === 'deleted').map((e) => `${e.kind}:${e.id}`));
  expect([...created].filter(([, n]) => n > 1)).toEqual([]);
  expect([...deleted].filter(([, n]) => n > 1)).toEqual([]);
}

function expectSameInventory(actual: InventoryItem[], baseline: InventoryItem[]): void {
  const same = JSON.stringify(actual) === JSON.stringify(baseline);
  if (!same) results.leaked += 1;
  expect(actual).toEqual(baseline);
}

async function withOrchestrator<T>(body: (orchestrator: Orchestrator) => Promise<T>): Promise<T> {
  const orchestrator = await startOrchestrator({ temporal, noop: { buildDelayMs: 50 } });
  try {
    return await body(orchestrator);
  } finally {
    await orchestrator.stop();
  }
}

describe('fault matrix: a permanent fault at every step is undone completely', () => {
  const matrix = cases.flatMap((c) =>
    MODES.filter((mode) => !selfUndone(c) || mode === 'before' || mode === 'after').map(
      (mode) => [`${title(c)} fails ${mode}`, c, mode] as const,
    ),
  );

  it.concurrent.each(matrix)('%s', async (_label, c, mode) => {
    await withOrchestrator(async (orchestrator) => {
      const timing = mode === 'hang' || mode === 'late' ? HANG_TIMING : FAST_TIMING;
      const { handle, baseline, journalFrom, lb, configs } = await startFlow(
        orchestrator,
        c,
        rulesFor(c, mode),
        timing,
      );
      const failure = await failureOf(handle);
      results.cases += 1;
      // An attempt that timed out must have been abandoned: a zombie's side effect would land after the undo looked.
      if (mode === 'late') await new Promise((resolve) => setTimeout(resolve, LATE_MS + 500));

      if (failure.type !== 'StepFailedError') {
        throw new Error(`expected a StepFailedError, got ${failure.type}: ${failure.message}`);
      }
      expect(failure.message).toContain(`failed at step "${c.step}`);
      expect(failure.message).toContain('nothing was left behind');
      expectSameInventory(orchestrator.drivers.inventory(), baseline);
      // Every amphora runs what it ran before: a configuration pushed and not taken back is a leak too.
      const restored = await appliedConfigs(orchestrator, lb);
      if (JSON.stringify(restored) !== JSON.stringify(configs)) results.leaked += 1;
      expect(restored).toEqual(configs);
      const status = await statusOf(handle);
      expect(status.provisioningStatus).toBe('ERROR');
      expect(status.leaked).toEqual([]);
      expect(status.steps.some((step) => step.state === 'failed' && step.name.startsWith(c.step))).toBe(true);
      expectNothingTwice(orchestrator.drivers.journal().slice(journalFrom));
    });
  });
});

describe('fault matrix: failover failing after its replacement serves keeps both amphorae on record', () => {
  /** The forward-only part of a failover: the old amphora's unplug, then its delete. */
  const FORWARD = [
    { method: 'unplugVip', step: 'unplug VIP from old amphora' },
    { method: 'delete', step: 'delete old amphora' },
  ];
  const matrix = FORWARD.flatMap(({ method, step }) =>
    (['SINGLE', 'ACTIVE_STANDBY'] as const).flatMap((topology) =>
      MODES.map((mode) => [`failover ${topology}: ${method} fails ${mode}`, topology, method, step, mode] as const),
    ),
  );

  it.concurrent.each(matrix)('%s', async (_label, topology, method, step, mode) => {
    await withOrchestrator(async (orchestrator) => {
      const c: Case = { flow: 'failover', topology, method, step };
      const timing = mode === 'hang' || mode === 'late' ? HANG_TIMING : FAST_TIMING;
      const { handle, baseline, journalFrom } = await startFlow(orchestrator, c, [ruleFor(method, mode)], timing);
      const failure = await failureOf(handle);
      results.cases += 1;
      if (mode === 'late') await new Promise((resolve) => setTimeout(resolve, LATE_MS + 500));

      expect(failure.type).toBe('StepFailedError');
      expect(failure.message).toContain(`failed at step "${step}"`);
      expect(failure.message).toContain('deleting the load balancer removes it');
      // Every instance that exists is one the failure reports (nothing leaked): the old amphorae, still on record
      // until a delete removes them (one may be gone already, if its delete acted before failing), and the replacement.
      const reported = ((failure.details?.[0] as { amphorae?: { id: string }[] }).amphorae ?? []).map((amphora) =>
        amphoraName(amphora.id),
      );
      const servers = orchestrator.drivers.inventory().filter((item) => item.kind === 'server');
      const unaccounted = servers.filter((server) => !reported.includes(server.name));
      if (unaccounted.length > 0) results.leaked += 1;
      expect(unaccounted).toEqual([]);
      const before = baseline.filter((item) => item.kind === 'server').map((server) => server.name);
      const replacement = reported.filter((name) => !before.includes(name));
      expect(replacement).toHaveLength(1);
      expect(servers.map((server) => server.name)).toContain(replacement[0]);
      expect((await statusOf(handle)).provisioningStatus).toBe('ERROR');
      expectNothingTwice(orchestrator.drivers.journal().slice(journalFrom));
    });
  });
});

describe('fault matrix: a cancel at every step is undone completely', () => {
  const matrix = cases.filter((c) => c.flow === 'create').map((c) => [`${title(c)} cancelled`, c] as const);

  it.concurrent.each(matrix)('%s', async (_label, c) => {
    await withOrchestrator(async (orchestrator) => {
      // The step hangs once (after its side effect), which holds the workflow there while it is cancelled.
      const rule: FaultRule = { method: c.method, call: 1, mode: 'hang', hangMs: 30_000 };
      const { handle, baseline, journalFrom } = await startFlow(orchestrator, c, [rule], HANG_TIMING);
      const deadline = Date.now() + 20_000;
      while (!orchestrator.drivers.faults.fired().some((fault) => fault.method === c.method)) {
        if (Date.now() > deadline) throw new Error(`${c.method} was never called`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await handle.cancel();
      const error = await handle.result().then(
        () => undefined,
        (err: unknown) => err,
      );
      results.cases += 1;
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect((error as WorkflowFailedError).cause?.name).toBe('CancelledFailure');
      expectSameInventory(orchestrator.drivers.inventory(), baseline);
      const status = await statusOf(handle);
      expect(status.provisioningStatus).toBe('ERROR');
      expect(status.error).toContain('was cancelled');
      expectNothingTwice(orchestrator.drivers.journal().slice(journalFrom));
    });
  });

  it.concurrent('create SINGLE cancelled while waiting for the amphora to boot', async () => {
    const orchestrator = await startOrchestrator({ temporal, noop: { buildDelayMs: 60_000 } });
    try {
      const c: Case = { flow: 'create', topology: 'SINGLE', method: 'build', step: 'build' };
      const { handle, baseline } = await startFlow(orchestrator, c, [], FAST_TIMING);
      const deadline = Date.now() + 20_000;
      while ((await statusOf(handle)).currentStep !== 'wait for STANDALONE amphora') {
        if (Date.now() > deadline) throw new Error('the workflow never reached the boot wait');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await handle.cancel();
      await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
      results.cases += 1;
      expectSameInventory(orchestrator.drivers.inventory(), baseline);
    } finally {
      await orchestrator.stop();
    }
  });
});

describe('fault matrix: transient faults at every step still reach ACTIVE, with no duplicate', () => {
  const matrix = cases.flatMap((c) =>
    (['before', 'after'] as const).map((mode) => [`${title(c)} transient ${mode}`, c, mode] as const),
  );

  it.concurrent.each(matrix)('%s', async (_label, c, mode) => {
    await withOrchestrator(async (orchestrator) => {
      const rule: FaultRule = { method: c.method, call: 1, mode, transient: true };
      const { handle, journalFrom, lb: setUp } = await startFlow(orchestrator, c, [rule], FAST_TIMING);
      const result: unknown = await handle.result();
      results.cases += 1;
      // A configuration change returns the networks it plugged; the other flows the load balancer, ACTIVE.
      const lb = c.flow === 'configure' ? setUp : (result as LoadBalancer);
      if (c.flow === 'configure') expect(result).toEqual({ memberNetworkIds: ['member-net-a'] });
      else expect(lb?.provisioningStatus).toBe('ACTIVE');
      expect(orchestrator.drivers.faults.fired()).toHaveLength(1);
      expectNothingTwice(orchestrator.drivers.journal().slice(journalFrom));
      const servers = orchestrator.drivers.inventory().filter((item) => item.kind === 'server');
      expect(servers).toHaveLength(lb?.amphorae.length ?? -1);
      await outliveFirstAttempt(orchestrator);
    });
  });
});

/**
 * Waits until the failed attempt's start-to-close timeout has passed before the worker goes. SDK 1.24's core keeps a
 * local activity's first timeout timer running when it retries the activity (it replaces the timer's handle without
 * aborting it, sdk-core local_activities.rs `mark_started`); the timer then fires into a worker already shut down and
 * panics with "receive half not dropped", a dozen lines of stderr per case that buried a real failure in CI's output.
 */
async function outliveFirstAttempt(orchestrator: Orchestrator): Promise<void> {
  const [first] = orchestrator.drivers.faults.fired();
  const left = first ? first.at + FAST_TIMING.activityTimeoutMs + 250 - Date.now() : 0;
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
}
