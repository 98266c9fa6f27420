import {
  healthManagerWorkflowId,
  healthStatusQuery,
  type HealthManagerStatus,
  type HealthSettings,
} from '../../src/contracts';
import { LoadBalancerController } from '../../src/controller/load-balancers';
import type { Amphora } from '../../src/models';
import { eventually } from '../drivers/expect-error';
import { createRequest, type Orchestrator } from '../workflows/orchestrator';

/**
 * SINGLE load balancers on the noop drivers whose amphorae "beat": heartbeats written straight into the worker's
 * store every 50 ms (a listener's job, tested on its own), except for the amphorae a test silences and the load
 * balancers it mutes; and the task queue's health manager over them.
 */
export class HeartbeatFleet {
  readonly controller: LoadBalancerController;
  /** Amphorae whose heartbeats stopped. */
  readonly silenced = new Set<string>();
  /** Load balancers whose amphorae never beat at all (a wrong key, a blocked port). */
  readonly mute = new Set<string>();
  private beater?: NodeJS.Timeout;
  private known: { id: string; loadBalancerId: string }[] = [];
  private seq = 0;
  /** The load balancers this fleet made: the namespace holds other tests' too. */
  private readonly mine = new Set<string>();

  constructor(private readonly orchestrator: Orchestrator) {
    this.controller = new LoadBalancerController(orchestrator.temporal.client, orchestrator.taskQueue);
  }

  /** Creates `count` load balancers and waits until each is ACTIVE; returns their ids. */
  async create(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const request = createRequest({ topology: 'SINGLE' });
      this.mine.add(request.loadBalancerId);
      await this.controller.create(request);
      ids.push(request.loadBalancerId);
    }
    await Promise.all(ids.map((id) => this.settled(id)));
    return ids;
  }

  /** Starts the beating and the health manager. */
  async start(settings: HealthSettings): Promise<void> {
    const refresh = async () => {
      this.known = await this.amphorae().catch(() => this.known);
    };
    await refresh();
    this.beater = setInterval(() => {
      this.seq += 1;
      const now = Date.now();
      for (const { id, loadBalancerId } of this.known) {
        if (this.silenced.has(id) || this.mute.has(loadBalancerId)) continue;
        this.orchestrator.heartbeats.record(
          { ver: 3, id, seq: now * 1000 + this.seq, sentAt: now, listeners: {}, pools: {} },
          now,
        );
      }
      void refresh();
    }, 50);
    await this.orchestrator.temporal.client.workflow.start('healthManager', {
      taskQueue: this.orchestrator.taskQueue,
      workflowId: healthManagerWorkflowId(this.orchestrator.taskQueue),
      args: [{ settings }],
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.beater);
    await this.manager()
      .terminate('the test ends')
      .catch(() => undefined);
  }

  manager() {
    return this.orchestrator.temporal.client.workflow.getHandle(healthManagerWorkflowId(this.orchestrator.taskQueue));
  }

  status(): Promise<HealthManagerStatus> {
    return this.manager().query<HealthManagerStatus>(healthStatusQuery);
  }

  /** Every amphora of this fleet's live load balancers, with its load balancer's id. */
  async amphorae(): Promise<(Amphora & { loadBalancerId: string })[]> {
    return (await this.controller.list())
      .filter((lb) => this.mine.has(lb.id))
      .flatMap((lb) => lb.amphorae.map((amphora) => ({ ...amphora, loadBalancerId: lb.id })));
  }

  /** Makes a load balancer of the fleet's from a request (a test's own create). */
  adopt(loadBalancerId: string): void {
    this.mine.add(loadBalancerId);
  }

  async statusOf(amphoraId: string) {
    return (await this.amphorae()).find((amphora) => amphora.id === amphoraId)?.status;
  }

  /**
   * Stops the amphorae's heartbeats once the manager has heard them: only an amphora heard since it began to be
   * watched can fall silent (a replacement is watched from the look after its load balancer settles).
   */
  async silence(chosen: { id: string }[]): Promise<void> {
    await eventually(() =>
      Promise.resolve(chosen.every((amphora) => this.orchestrator.heartbeats.isWatched(amphora.id)) ? true : undefined),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    chosen.forEach((amphora) => this.silenced.add(amphora.id));
  }

  /** Waits until the load balancer is ACTIVE with no operation running; returns its record. */
  settled(loadBalancerId: string) {
    return eventually(async () => {
      const view = await this.controller.get(loadBalancerId);
      return view && !view.current && view.record.provisioningStatus === 'ACTIVE' ? view.record : undefined;
    }, 30_000);
  }
}
