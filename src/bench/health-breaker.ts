/**
 * The storm's breaker run: more amphorae go silent at once than the threshold, and none may be failed over while
 * the breaker is open.
 */
import type { HealthBed } from './health-bed';
import { amphoraIds, failoverRuns, pause, servingAmphorae, settle, until, type ServingAmphora } from './health-fleet';
import { HEALTH_SETTINGS } from './health-settings';

/**
 * The threshold below the silent share: the breaker's run. The silent amphorae's last heartbeats are spread over an
 * interval, so their silences cross the timeout over more than one look: a look that finds no more than the
 * threshold past it fails those over before a later one trips the breaker. Those are counted, not hidden.
 */
export interface BreakerRun {
  threshold: number;
  /** From the silence to the breaker opening (the manager's `openedAt`); null if it never opened. */
  trip_ms: number | null;
  /** From the silence until each silent amphora was FAILOVER_STOPPED or being failed over. */
  all_resolved_ms: number;
  failover_stopped: number;
  /** Failovers started before the breaker opened: silences that crossed the timeout in an earlier look. */
  failed_over_before_trip: number;
  /** Failovers started while it was open (two heartbeat timeouts after all were resolved): must be 0. */
  failed_over_after_trip: number;
  /** Once the stopped amphorae beat again: until every one was ALLOCATED and the breaker CLOSED. */
  healed_ms: number;
}

/** The failover workflows started for the load balancers of `amphorae`. */
async function failoversOf(bed: HealthBed, amphorae: ServingAmphora[]) {
  const loadBalancers = new Set(amphorae.map((amphora) => amphora.loadBalancerId));
  return (await failoverRuns(bed.client)).filter((run) => loadBalancers.has(run.loadBalancerId));
}

/** `amphorae` that are FAILOVER_STOPPED now. */
async function stoppedOf(bed: HealthBed, amphorae: ServingAmphora[]): Promise<ServingAmphora[]> {
  const wanted = new Set(amphoraIds(amphorae));
  return (await servingAmphorae(bed)).filter((a) => wanted.has(a.amphoraId) && a.status === 'FAILOVER_STOPPED');
}

/** Silences `chosen` (more than `threshold`) at once, measures the trip, then lets them beat again. */
export async function breakerRun(
  bed: HealthBed,
  chosen: ServingAmphora[],
  threshold: number,
  bootMs: number,
): Promise<BreakerRun> {
  await bed.setThreshold(threshold);
  await settle();
  // Failovers that start before the trip take a real boot: while they run, their amphorae still count as silent.
  bed.setBootMs(bootMs);
  const silentAt = bed.simulator.silence(amphoraIds(chosen));
  await until(
    'each silent amphora to be FAILOVER_STOPPED or failed over',
    async () => {
      const [stopped, runs] = await Promise.all([stoppedOf(bed, chosen), failoversOf(bed, chosen)]);
      return stopped.length + runs.length >= chosen.length ? true : undefined;
    },
    300_000,
  );
  const allResolvedMs = Date.now() - silentAt;
  // The silence goes on: no failover may start while the breaker is open.
  await pause(2 * HEALTH_SETTINGS.heartbeatTimeoutMs);
  const { breaker } = await bed.status();
  const openedAt = breaker.openedAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(breaker.openedAt);
  const runs = await failoversOf(bed, chosen);
  const stopped = await stoppedOf(bed, chosen);
  const healedAt = bed.simulator.resume(amphoraIds(stopped));
  await until(
    'the stopped amphorae to be resumed and the failovers started before the trip to end',
    async () => {
      const [status, still, running] = await Promise.all([
        bed.status(),
        stoppedOf(bed, stopped),
        bed.client.workflow.count(`WorkflowType = 'failoverAmphora' AND ExecutionStatus = 'Running'`),
      ]);
      return status.breaker.state === 'CLOSED' && still.length === 0 && running.count === 0 ? true : undefined;
    },
    300_000,
  );
  bed.setBootMs(0);
  return {
    threshold,
    trip_ms: Number.isFinite(openedAt) ? openedAt - silentAt : null,
    all_resolved_ms: allResolvedMs,
    failover_stopped: stopped.length,
    failed_over_before_trip: runs.filter((run) => run.startMs < openedAt).length,
    failed_over_after_trip: runs.filter((run) => run.startMs >= openedAt).length,
    healed_ms: Date.now() - healedAt,
  };
}
