/**
 * The failover storm as the health manager meets it: a share of a large fleet goes silent at once. With the
 * threshold below that share the breaker must trip and fail none over while it is open (a partition looks like a mass
 * death: see health-breaker.ts); with it above, every silent amphora must be replaced, each once. Both run on one
 * fleet: the breaker's silence heals (the partition ends, the stopped amphorae are resumed), then other amphorae die.
 */
import type { Timing } from '../models';
import type { HeartbeatOutcome } from '../controller/health/listener';
import type { HealthBed } from './health-bed';
import { breakerRun, type BreakerRun } from './health-breaker';
import {
  amphoraIds,
  createFleet,
  failoverRuns,
  pause,
  servingAmphorae,
  settle,
  until,
  type ServingAmphora,
} from './health-fleet';
import { HEALTH_SETTINGS, type HealthPlan } from './health-settings';
import { ResourceSampler } from './resources';
import { round } from './stats';

/** The threshold above the silent share: every silent amphora failed over. */
export interface FailoverStormRun {
  threshold: number;
  /** How long each replacement took to boot. */
  boot_ms: number;
  failed_over: number;
  /** Failover workflows that did not complete. */
  failed: number;
  /** From the silence to the first and the last failover workflow's start. */
  detection_first_ms: number;
  detection_last_ms: number;
  /** From the silence to the last failover workflow's end. */
  last_failover_end_ms: number;
  /**
   * From the silence until the controller's list showed every silent load balancer ACTIVE on its replacement (looked
   * at every 250 ms once the last failover had ended).
   */
  total_ms: number;
  total_over_boot: number;
  /** From the first failover's start to the last one's end, over the boot time: the failovers alone. */
  failovers_over_boot: number;
  /** Silent load balancers found ACTIVE on an ALLOCATED replacement afterwards. */
  replacements_active: number;
  breaker_trips: number;
}

export interface HealthStormResult {
  amphorae: number;
  silent: number;
  /** How long making the fleet took (not part of any figure). */
  create_s: number;
  breaker: BreakerRun;
  failover: FailoverStormRun;
  /** Failovers of amphorae that never went silent (in neither run): 0 unless heartbeats were lost or late. */
  spurious_failovers: number;
  /** The bench process (worker, listener, simulated agents, client) at its largest. */
  peak_rss_mb: number;
  /** What became of the datagrams the listener received over the whole scenario. */
  listener: Record<HeartbeatOutcome, number>;
}

/** Silences `chosen` (no more than `threshold`) at once and times their replacements, each booting `bootMs`. */
async function failoverRun(
  bed: HealthBed,
  chosen: ServingAmphora[],
  threshold: number,
  bootMs: number,
): Promise<FailoverStormRun> {
  await bed.setThreshold(threshold);
  await settle();
  const { trips } = (await bed.status()).breaker;
  const ended = `WorkflowType = 'failoverAmphora' AND ExecutionStatus != 'Running'`;
  const endedBefore = (await bed.client.workflow.count(ended)).count;
  bed.setBootMs(bootMs);
  const silentAt = bed.simulator.silence(amphoraIds(chosen));
  // Counting ended failovers is cheap; listing every load balancer is not: list only once they have all ended.
  await until(
    `${chosen.length} failovers to end`,
    async () => ((await bed.client.workflow.count(ended)).count >= endedBefore + chosen.length ? true : undefined),
    900_000,
    500,
  );
  const byLoadBalancer = new Map(chosen.map((amphora) => [amphora.loadBalancerId, amphora.amphoraId]));
  const replacedNow = async () =>
    (await servingAmphorae(bed)).filter(
      (amphora) =>
        byLoadBalancer.get(amphora.loadBalancerId) !== undefined &&
        byLoadBalancer.get(amphora.loadBalancerId) !== amphora.amphoraId &&
        amphora.status === 'ALLOCATED' &&
        amphora.provisioningStatus === 'ACTIVE',
    ).length;
  // A finished failover is folded into its entity's record, and published, a moment later.
  const replaced = await until(
    `${chosen.length} load balancers ACTIVE on their replacements`,
    async () => {
      const count = await replacedNow();
      return count >= chosen.length ? count : undefined;
    },
    120_000,
    250,
  ).catch(() => replacedNow());
  const total = Date.now() - silentAt;
  bed.setBootMs(0);
  const runs = (await failoverRuns(bed.client)).filter((run) => run.startMs >= silentAt);
  const starts = runs.map((run) => run.startMs);
  const lastEnd = Math.max(...runs.map((run) => run.closeMs ?? Number.NaN));
  return {
    threshold,
    boot_ms: bootMs,
    failed_over: runs.length,
    failed: runs.filter((run) => run.status !== 'COMPLETED').length,
    detection_first_ms: Math.min(...starts) - silentAt,
    detection_last_ms: Math.max(...starts) - silentAt,
    last_failover_end_ms: lastEnd - silentAt,
    total_ms: total,
    total_over_boot: round(total / bootMs, 3),
    failovers_over_boot: round((lastEnd - Math.min(...starts)) / bootMs, 3),
    replacements_active: replaced,
    breaker_trips: (await bed.status()).breaker.trips - trips,
  };
}

/** Makes the fleet, then runs the breaker's storm and the failover storm on it. */
export async function measureStorm(
  bed: HealthBed,
  plan: HealthPlan['storm'],
  bootMs: number,
  timing: Timing,
  say: (line: string) => void,
): Promise<HealthStormResult> {
  const sampler = new ResourceSampler();
  const created = performance.now();
  await createFleet(bed, plan.amphorae, timing);
  const createS = round((performance.now() - created) / 1000, 1);
  // Every amphora heard, and the fleet quiet, before the first silence.
  await pause(HEALTH_SETTINGS.heartbeatTimeoutMs);
  const serving = await servingAmphorae(bed);
  const silent = Math.round(plan.amphorae * plan.silentShare);
  const breakerSet = serving.slice(0, silent);
  const failoverSet = serving.slice(silent, 2 * silent);
  say(
    `health storm: ${silent} of ${plan.amphorae} silent at once, threshold ${plan.thresholdBelow}, ${bootMs} ms boot`,
  );
  const breaker = await breakerRun(bed, breakerSet, plan.thresholdBelow, bootMs);
  say(
    `health storm: ${silent} of ${plan.amphorae} silent at once, threshold ${plan.thresholdAbove}, ${bootMs} ms boot`,
  );
  const failover = await failoverRun(bed, failoverSet, plan.thresholdAbove, bootMs);
  const silenced = new Set([...breakerSet, ...failoverSet].map((amphora) => amphora.loadBalancerId));
  const spurious = (await failoverRuns(bed.client)).filter((run) => !silenced.has(run.loadBalancerId)).length;
  return {
    amphorae: plan.amphorae,
    silent,
    create_s: createS,
    breaker,
    failover,
    spurious_failovers: spurious,
    peak_rss_mb: sampler.stop().peakRssMb,
    listener: bed.listener.counts(),
  };
}
