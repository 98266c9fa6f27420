import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { FaultRule, InventoryItem, NoopDriverOptions } from '../../src/drivers';
import { amphoraName, type CreateLoadBalancerInput, type LoadBalancer, type Topology } from '../../src/models';
import {
  configureLoadBalancer,
  createAmphoraWithVip,
  createLoadBalancer,
  deleteLoadBalancer,
  failoverAmphora,
  healthManager,
  plugMemberNetwork,
  sweepOrphans,
  unplugMemberNetwork,
} from '../../src/workflows';
import { LoadBalancerController } from '../../src/controller/load-balancers';
import { catalogWorkflowId, entityWorkflowId, healthStatusQuery, treeOf } from '../../src/contracts';
import { CatalogController } from '../../src/controller/catalog';
import { sampleTree } from './sample-tree';
import { createRequest, FAST_TIMING, statusOf, type Orchestrator } from '../workflows/orchestrator';

/**
 * The runs whose histories `npm run histories:record` saves under test/replay/histories/: every workflow, its happy
 * path, a rollback for each kind of failed step, a cancel, and the forward-only failures. Replaying them against the
 * current workflow code (test/replay/replay.test.ts) catches a change that would break the workflows already running
 * on a cluster when a new worker version takes them over.
 */

/** How a recorded run ended. */
/** `continued`: the run continued as new (the catalog, which starts over instead of ending). */
export type Ending = 'completed' | 'failed' | 'cancelled' | 'continued';

export interface Scenario {
  /** The history's file name, without `.json`. */
  name: string;
  /** The workflow whose history is saved. */
  workflow: string;
  /** What the history shows, for INDEX.md. */
  shows: string;
  ending: Ending;
  /** For a failed run: the failure type, and the step its message must name. */
  failure?: { type: string; step?: string };
  /** Events the history must hold, by attribute name (`activityTaskCancelRequested`), where timing could skip them. */
  events?: string[];
  /** The run leaves the noop cloud as it found it (every rollback and cancel). */
  leavesNothing?: boolean;
  /** Noop driver options for this run (the default boot takes 50 ms). */
  noop?: NoopDriverOptions;
  /** Sets up what the run needs, injects its faults and starts the workflow whose history is saved. */
  start(run: ScenarioRun): Promise<WorkflowHandle>;
}

/** What a scenario starts its workflow with: a worker with fresh noop drivers, and helpers for the setup. */
export class ScenarioRun {
  /** The inventory just before the recorded workflow started (after any setup). */
  baseline: InventoryItem[] = [];

  constructor(
    readonly orchestrator: Orchestrator,
    readonly scenario: Scenario,
  ) {}

  private get client() {
    return this.orchestrator.temporal.client;
  }

  private get options() {
    return { taskQueue: this.orchestrator.taskQueue, workflowId: `replay-${this.scenario.name}-${randomUUID()}` };
  }

  /** Creates a load balancer without faults, for the operations that need one. */
  async setUp(topology: Topology): Promise<{ request: CreateLoadBalancerInput; lb: LoadBalancer }> {
    const request = createRequest({ topology });
    const lb = await this.client.workflow.execute(createLoadBalancer, {
      ...this.options,
      workflowId: `replay-setup-${request.loadBalancerId}`,
      args: [request],
    });
    return { request, lb };
  }

  /** Applies the run's fault plan and notes the inventory the run must come back to. */
  private inject(rules: FaultRule[]): void {
    this.orchestrator.drivers.faults.setPlan({ rules });
    this.baseline = this.orchestrator.drivers.inventory();
  }

  async create(topology: Topology, rules: FaultRule[] = []): Promise<WorkflowHandle> {
    this.inject(rules);
    return this.client.workflow.start(createLoadBalancer, { ...this.options, args: [createRequest({ topology })] });
  }

  async createAmphora(): Promise<WorkflowHandle> {
    const loadBalancerId = randomUUID();
    const vip = await this.orchestrator.drivers.network.allocateVip({
      loadBalancerId,
      projectId: 'project-test',
      subnetId: 'vip-subnet',
    });
    this.inject([]);
    return this.client.workflow.start(createAmphoraWithVip, {
      ...this.options,
      args: [
        {
          loadBalancerId,
          amphoraId: randomUUID(),
          role: 'STANDALONE',
          vip,
          amphora: createRequest().amphora,
          timing: FAST_TIMING,
        },
      ],
    });
  }

  async failover(topology: Topology, rules: FaultRule[] = []): Promise<WorkflowHandle> {
    const { request, lb } = await this.setUp(topology);
    const old = lb.amphorae.find((amphora) => amphora.role !== 'BACKUP');
    if (!old) throw new Error(`the ${topology} load balancer ${lb.id} has no amphora to fail over`);
    this.inject(rules);
    return this.client.workflow.start(failoverAmphora, {
      ...this.options,
      args: [{ loadBalancer: { ...lb, amphoraTemplate: request.amphora }, amphoraId: old.id, timing: FAST_TIMING }],
    });
  }

  async plugNetwork(topology: Topology, rules: FaultRule[] = []): Promise<WorkflowHandle> {
    const { lb } = await this.setUp(topology);
    this.inject(rules);
    return this.client.workflow.start(plugMemberNetwork, {
      ...this.options,
      args: [{ loadBalancer: lb, networkId: 'member-net-a', timing: FAST_TIMING }],
    });
  }

  async unplugNetwork(topology: Topology): Promise<WorkflowHandle> {
    const { lb } = await this.setUp(topology);
    const plugged = await this.client.workflow.execute(plugMemberNetwork, {
      ...this.options,
      workflowId: `replay-setup-plug-${lb.id}`,
      args: [{ loadBalancer: lb, networkId: 'member-net-a', timing: FAST_TIMING }],
    });
    this.inject([]);
    return this.client.workflow.start(unplugMemberNetwork, {
      ...this.options,
      args: [{ loadBalancer: plugged, networkId: 'member-net-a', timing: FAST_TIMING }],
    });
  }

  async delete(topology: Topology, rules: FaultRule[] = []): Promise<WorkflowHandle> {
    const { lb } = await this.setUp(topology);
    this.inject(rules);
    return this.client.workflow.start(deleteLoadBalancer, {
      ...this.options,
      args: [{ loadBalancer: lb, timing: FAST_TIMING }],
    });
  }

  /**
   * Drives a load balancer entity through the controller: create, rename, fail over, plug a member network, then
   * delete; the entity's own history is saved once it has ended with the DELETED record.
   */
  async entity(): Promise<WorkflowHandle> {
    const controller = new LoadBalancerController(this.client, this.orchestrator.taskQueue);
    const request = createRequest({ topology: 'ACTIVE_STANDBY' });
    this.inject([]);
    await controller.create(request);
    const settled = async () => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const view = await controller.get(request.loadBalancerId);
        if (!view) return;
        if (!view.current && !view.record.provisioningStatus.startsWith('PENDING_')) return;
        if (Date.now() > deadline) throw new Error(`load balancer ${request.loadBalancerId} never settled`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await settled();
    await controller.update(request.loadBalancerId, { name: 'renamed', tags: ['replay'] });
    await controller.failover(request.loadBalancerId);
    await settled();
    await controller.plugNetwork(request.loadBalancerId, 'member-net-a');
    await settled();
    await controller.delete(request.loadBalancerId, true);
    await settled();
    return this.client.workflow.getHandle(entityWorkflowId(request.loadBalancerId));
  }

  /**
   * Pushes a tree (an HTTP listener, its pool with a health monitor, a member on member-subnet-a) to a new load
   * balancer's amphorae: the member network is plugged first, then the configuration, then the ports.
   */
  async configure(topology: Topology, rules: FaultRule[] = []): Promise<WorkflowHandle> {
    const { lb } = await this.setUp(topology);
    this.inject(rules);
    return this.client.workflow.start(configureLoadBalancer, {
      ...this.options,
      args: [{ loadBalancer: { ...lb, tree: sampleTree(lb) }, previousTree: treeOf({}), timing: FAST_TIMING }],
    });
  }

  /** Fails over the MASTER of a load balancer that serves a tree: the replacement gets it before the old one goes. */
  async failoverWithTree(topology: Topology): Promise<WorkflowHandle> {
    const { request, lb } = await this.setUp(topology);
    const tree = sampleTree(lb);
    const configured = await this.client.workflow.execute(configureLoadBalancer, {
      ...this.options,
      workflowId: `replay-setup-configure-${lb.id}`,
      args: [{ loadBalancer: { ...lb, tree }, previousTree: treeOf({}), timing: FAST_TIMING }],
    });
    const old = lb.amphorae.find((amphora) => amphora.role !== 'BACKUP');
    if (!old) throw new Error(`the ${topology} load balancer ${lb.id} has no amphora to fail over`);
    this.inject([]);
    const loadBalancer = {
      ...lb,
      tree,
      memberNetworkIds: configured.memberNetworkIds,
      amphoraTemplate: request.amphora,
    };
    return this.client.workflow.start(failoverAmphora, {
      ...this.options,
      args: [{ loadBalancer, amphoraId: old.id, timing: FAST_TIMING }],
    });
  }

  /**
   * Drives the operators' catalog: a flavor profile and a flavor, a quota set and reset, the flavor disabled; then
   * cancels it, which makes it continue as new with its state (the catalog never ends), so that the first run's
   * history is complete.
   */
  async catalog(): Promise<WorkflowHandle> {
    const catalog = new CatalogController(this.client, this.orchestrator.taskQueue);
    this.inject([]);
    const flavorData = '{"loadbalancer_topology": "ACTIVE_STANDBY"}';
    const profile = { id: randomUUID(), name: 'ha', providerName: 'amphora', flavorData };
    await catalog.change({ action: 'create', kind: 'flavorProfiles', entry: profile });
    const flavor = { id: randomUUID(), name: 'ha', description: '', flavorProfileId: profile.id, enabled: true };
    await catalog.change({ action: 'create', kind: 'flavors', entry: flavor });
    await catalog.change({ action: 'set-quota', projectId: 'project-a', limits: { listener: 5 } });
    await catalog.change({ action: 'reset-quota', projectId: 'project-a' });
    await catalog.change({ action: 'update', kind: 'flavors', key: flavor.id, changes: { enabled: false } });
    const first = await this.client.workflow.getHandle(catalogWorkflowId(this.orchestrator.taskQueue)).describe();
    const handle = this.client.workflow.getHandle(first.workflowId, first.runId, { followRuns: false });
    await handle.cancel();
    return handle;
  }

  /** Leaks what a create that died without undoing leaves (VIP, booted amphora, base port), then sweeps. */
  async sweep(): Promise<WorkflowHandle> {
    const { compute, network } = this.orchestrator.drivers;
    const loadBalancerId = randomUUID();
    const amphoraId = randomUUID();
    const vip = await network.allocateVip({ loadBalancerId, subnetId: 'vip-subnet' });
    const computeId = await compute.build({ name: amphoraName(amphoraId), networkIds: ['lb-mgmt-net'] });
    const deadline = Date.now() + 20_000;
    while ((await compute.status(computeId)) !== 'UP') {
      if (Date.now() > deadline) throw new Error(`the leaked amphora ${computeId} never booted`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await network.plugVip({ loadBalancerId, vip, amphorae: [{ id: amphoraId, computeId, status: 'ALLOCATED' }] });
    this.inject([]);
    return this.client.workflow.start(sweepOrphans, { ...this.options, args: [{ dryRun: false, graceMs: 200 }] });
  }

  /**
   * Runs the health manager over one SINGLE load balancer whose amphora sends one heartbeat once watched, then falls
   * silent: past the timeout it is failed over through the entity; the manager is then cancelled (it never ends by
   * itself).
   */
  async healthManager(): Promise<WorkflowHandle> {
    const controller = new LoadBalancerController(this.client, this.orchestrator.taskQueue);
    const request = createRequest({ topology: 'SINGLE' });
    this.inject([]);
    await controller.create(request);
    const deadline = Date.now() + 30_000;
    const waitFor = async (what: string, check: () => Promise<boolean>) => {
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`the health manager scenario never saw ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await waitFor(
      'the create end',
      async () => (await controller.get(request.loadBalancerId))?.record.provisioningStatus === 'ACTIVE',
    );
    const settings = { heartbeatTimeoutMs: 500, checkIntervalMs: 100 };
    const handle = await this.client.workflow.start(healthManager, { ...this.options, args: [{ settings }] });
    await waitFor('the amphora watched', async () => (await handle.query(healthStatusQuery)).watched === 1);
    const view = await controller.get(request.loadBalancerId);
    const amphoraId = view?.record.amphorae[0]?.id ?? '';
    const now = Date.now();
    this.orchestrator.heartbeats.record({ ver: 3, id: amphoraId, seq: 1, sentAt: now, listeners: {}, pools: {} }, now);
    await waitFor('a failover', async () => (await handle.query(healthStatusQuery)).failoversStarted > 0);
    await handle.cancel();
    return handle;
  }

  /** Waits until the workflow's status query names `step` as the current step. */
  async waitForStep(handle: WorkflowHandle, step: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while ((await statusOf(handle)).currentStep !== step) {
      if (Date.now() > deadline) throw new Error(`${handle.workflowId} never reached the step "${step}"`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

const permanent = (method: string, call = 1, mode: FaultRule['mode'] = 'before'): FaultRule => ({
  method,
  call,
  mode,
  transient: false,
});

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'create-single',
    workflow: 'createLoadBalancer',
    shows: 'SINGLE create: allocate VIP, build, wait, plug VIP, update VIP, ACTIVE',
    ending: 'completed',
    start: (run) => run.create('SINGLE'),
  },
  {
    name: 'create-active-standby',
    workflow: 'createLoadBalancer',
    shows: 'ACTIVE_STANDBY create: server group, then MASTER and BACKUP built, waited for and plugged side by side',
    ending: 'completed',
    start: (run) => run.create('ACTIVE_STANDBY'),
  },
  {
    name: 'create-rollback-allocate-vip',
    workflow: 'createLoadBalancer',
    shows: 'allocateVip loses its response (the port exists): the VIP is deallocated by name',
    ending: 'failed',
    failure: { type: 'StepFailedError', step: 'allocate VIP' },
    leavesNothing: true,
    start: (run) => run.create('SINGLE', [permanent('allocateVip', 1, 'after')]),
  },
  {
    name: 'create-rollback-server-group',
    workflow: 'createLoadBalancer',
    shows: 'ACTIVE_STANDBY: createServerGroup fails: server group and VIP undone',
    ending: 'failed',
    failure: { type: 'StepFailedError', step: 'create server group' },
    leavesNothing: true,
    start: (run) => run.create('ACTIVE_STANDBY', [permanent('createServerGroup')]),
  },
  {
    name: 'create-rollback-build',
    workflow: 'createLoadBalancer',
    shows:
      'ACTIVE_STANDBY: one build loses its response while the other still runs: that one is cancelled and awaited, then both amphorae, the group and the VIP are undone',
    ending: 'failed',
    failure: { type: 'StepFailedError', step: 'build ' },
    events: ['activityTaskCancelRequested'],
    leavesNothing: true,
    // The second build hangs for a second, so it is still running when the first fails, whichever gets there first.
    start: (run) =>
      run.create('ACTIVE_STANDBY', [
        permanent('build', 1, 'after'),
        { method: 'build', call: 2, mode: 'hang', hangMs: 1_000 },
      ]),
  },
  {
    name: 'create-rollback-boot-fault',
    workflow: 'createLoadBalancer',
    shows: 'the amphora boots into ERROR (compute fault): the wait fails, amphora and VIP undone',
    ending: 'failed',
    failure: { type: 'StepFailedError', step: 'wait for STANDALONE amphora' },
    leavesNothing: true,
    start: (run) => run.create('SINGLE', [permanent('build', 1, 'instance-error')]),
  },
  {
    name: 'create-rollback-plug-vip',
    workflow: 'createLoadBalancer',
    shows: 'plugVip fails: unplug VIP, delete the amphora, deallocate the VIP (the UI test shows this one)',
    ending: 'failed',
    failure: { type: 'StepFailedError', step: 'plug VIP into STANDALONE amphora' },
    leavesNothing: true,
    start: (run) => run.create('SINGLE', [permanent('plugVip')]),
  },
  {
    name: 'create-rollback-update-vip',
    workflow: 'createLoadBalancer',
    shows: 'ACTIVE_STANDBY: updateVip fails after both amphorae are up: every step undone, newest first',
    ending: 'failed',
    failure: { type: 'StepFailedError', step: 'update VIP' },
    leavesNothing: true,
    start: (run) => run.create('ACTIVE_STANDBY', [permanent('updateVip')]),
  },
  {
    name: 'create-rollback-leaked',
    workflow: 'createLoadBalancer',
    shows: 'plugVip fails and the unplug undo fails too: the other undos still run, the leak is named',
    ending: 'failed',
    failure: { type: 'ResourcesLeakedError', step: 'plug VIP into STANDALONE amphora' },
    start: (run) => run.create('SINGLE', [permanent('plugVip'), { ...permanent('unplugVip'), times: 100 }]),
  },
  {
    name: 'create-cancelled',
    workflow: 'createLoadBalancer',
    shows: 'cancelled while waiting for the amphora to boot: the wait is cancelled, amphora and VIP undone',
    ending: 'cancelled',
    events: ['workflowExecutionCancelRequested', 'activityTaskCancelRequested'],
    leavesNothing: true,
    noop: { buildDelayMs: 60_000 },
    async start(run) {
      const handle = await run.create('SINGLE');
      await run.waitForStep(handle, 'wait for STANDALONE amphora');
      await handle.cancel();
      return handle;
    },
  },
  {
    name: 'create-amphora-with-vip',
    workflow: 'createAmphoraWithVip',
    shows: 'the unit on its own: build, wait, plug an allocated VIP',
    ending: 'completed',
    start: (run) => run.createAmphora(),
  },
  {
    name: 'failover',
    workflow: 'failoverAmphora',
    shows: 'ACTIVE_STANDBY failover of the MASTER: replacement built and plugged, then the old one unplugged, deleted',
    ending: 'completed',
    start: (run) => run.failover('ACTIVE_STANDBY'),
  },
  {
    name: 'failover-rollback',
    workflow: 'failoverAmphora',
    shows: 'plugVip into the replacement fails: the replacement is removed, the old MASTER stays',
    ending: 'failed',
    failure: { type: 'StepFailedError', step: 'plug VIP into MASTER amphora' },
    leavesNothing: true,
    start: (run) => run.failover('ACTIVE_STANDBY', [permanent('plugVip')]),
  },
  {
    name: 'member-plug',
    workflow: 'plugMemberNetwork',
    shows: 'ACTIVE_STANDBY: both amphorae checked and plugged into member-net-a',
    ending: 'completed',
    start: (run) => run.plugNetwork('ACTIVE_STANDBY'),
  },
  {
    name: 'member-plug-rollback',
    workflow: 'plugMemberNetwork',
    shows: 'ACTIVE_STANDBY: the second plug fails: both are undone, the one that never took effect too (idempotent)',
    ending: 'failed',
    failure: { type: 'StepFailedError', step: 'plug network into ' },
    leavesNothing: true,
    start: (run) => run.plugNetwork('ACTIVE_STANDBY', [permanent('plugNetwork', 2)]),
  },
  {
    name: 'member-unplug',
    workflow: 'unplugMemberNetwork',
    shows: 'ACTIVE_STANDBY: both amphorae unplugged from member-net-a (forward only)',
    ending: 'completed',
    start: (run) => run.unplugNetwork('ACTIVE_STANDBY'),
  },
  {
    name: 'delete',
    workflow: 'deleteLoadBalancer',
    shows: 'ACTIVE_STANDBY delete: unplug VIP, deallocate VIP, delete both amphorae, delete the server group',
    ending: 'completed',
    start: (run) => run.delete('ACTIVE_STANDBY'),
  },
  {
    name: 'delete-error',
    workflow: 'deleteLoadBalancer',
    shows: 'the amphora delete fails: forward only, nothing undone, the load balancer goes to ERROR',
    ending: 'failed',
    failure: { type: 'StepFailedError', step: 'delete STANDALONE amphora' },
    start: (run) => run.delete('SINGLE', [permanent('delete')]),
  },
  {
    name: 'load-balancer-entity',
    workflow: 'loadBalancerEntity',
    shows:
      'the entity of one load balancer: create, a rename (an update), a failover of both amphorae, a member plug and a cascade delete, each as a child workflow; it ends with the DELETED record',
    ending: 'completed',
    leavesNothing: true,
    start: (run) => run.entity(),
  },
  {
    name: 'create-active-standby-vrrp',
    workflow: 'createLoadBalancer',
    shows:
      'ACTIVE_STANDBY create with the amphora driver: each amphora finalized and told its VIP, then keepalived started on both',
    ending: 'completed',
    start: (run) => run.create('ACTIVE_STANDBY'),
  },
  {
    name: 'configure-tree',
    workflow: 'configureLoadBalancer',
    shows:
      'ACTIVE_STANDBY: a listener, pool, monitor and member pushed: member network plugged into both amphorae, configuration pushed to both, ports opened',
    ending: 'completed',
    start: (run) => run.configure('ACTIVE_STANDBY'),
  },
  {
    name: 'configure-rollback',
    workflow: 'configureLoadBalancer',
    shows:
      'ACTIVE_STANDBY: the second push fails: both amphorae get the previous configuration back, the member network is unplugged',
    ending: 'failed',
    failure: { type: 'StepFailedError', step: 'configure listeners on ' },
    leavesNothing: true,
    start: (run) => run.configure('ACTIVE_STANDBY', [permanent('updateAmphoraListeners', 2, 'after')]),
  },
  {
    name: 'failover-tree',
    workflow: 'failoverAmphora',
    shows:
      'ACTIVE_STANDBY failover of a MASTER that serves a tree: the replacement gets the member network and the configuration, the peer learns it in haproxy and keepalived, then the old one goes',
    ending: 'completed',
    start: (run) => run.failoverWithTree('ACTIVE_STANDBY'),
  },
  {
    name: 'failover-old-amphora-first',
    workflow: 'failoverAmphora',
    shows:
      'ACTIVE_STANDBY failover of a MASTER that serves a tree, the old amphora deleted before its VIP port is unplugged (so keepalived hands the VIP over with a goodbye advert)',
    ending: 'completed',
    start: (run) => run.failoverWithTree('ACTIVE_STANDBY'),
  },
  {
    name: 'catalog',
    workflow: 'catalogEntity',
    shows:
      'the operators catalog: a flavor profile and flavor created, a quota set and reset, the flavor disabled; a cancel makes it start over with the same state',
    ending: 'continued',
    start: (run) => run.catalog(),
  },
  {
    name: 'sweep-orphans',
    workflow: 'sweepOrphans',
    shows: 'a leaked amphora, its base port, a VIP port and its security group: two looks, then each removed',
    ending: 'completed',
    start: (run) => run.sweep(),
  },
  {
    name: 'health-manager',
    workflow: 'healthManager',
    shows:
      'the health manager over a SINGLE load balancer whose amphora sends one heartbeat, then none: looks (local activities) every 100 ms, then past the 500 ms timeout a failover through the entity; cancelled by hand',
    ending: 'cancelled',
    start: (run) => run.healthManager(),
  },
];
