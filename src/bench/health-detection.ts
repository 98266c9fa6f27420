/**
 * Detection time: how long an amphora that stops sending heartbeats stays unnoticed. A few amphorae at a time die at a
 * random moment; each sample runs from the dead amphora's last heartbeat (what `heartbeat_timeout` counts from) to the
 * start of its failover workflow, and from the moment it died.
 */
import type { Timing } from '../models';
import type { HealthBed } from './health-bed';
import { createFleet, failoverRuns, pause, servingAmphorae, until, type ServingAmphora } from './health-fleet';
import { HEALTH_SETTINGS, HEARTBEAT_INTERVAL_MS, type HealthPlan } from './health-settings';
import { percentiles, round, type Percentiles } from './stats';

export interface DetectionResult {
  samples: number;
  /** From the amphora's last heartbeat to its failover workflow's start. */
  from_last_heartbeat_ms: Percentiles;
  /** From the moment it stopped beating (up to an interval after its last heartbeat) to the same start. */
  from_death_ms: Percentiles;
  /** from_last_heartbeat p50 and p95 over heartbeat_timeout. */
  p50_over_timeout: number;
  p95_over_timeout: number;
  /** Failover workflows per silence: 1 when each silence is failed over once, never twice. */
  failovers_per_silence: number;
}

interface Silence extends ServingAmphora {
  diedAt: number;
  lastHeartbeatAt: number;
}

/** Kills `amphorae`, each at a random moment within one heartbeat interval, and waits for every replacement. */
async function silenceRound(bed: HealthBed, amphorae: ServingAmphora[]): Promise<Silence[]> {
  const silences = await Promise.all(
    amphorae.map(async (amphora) => {
      await pause(Math.random() * HEARTBEAT_INTERVAL_MS);
      const diedAt = bed.simulator.silence([amphora.amphoraId]);
      return { ...amphora, diedAt, lastHeartbeatAt: bed.simulator.lastHeartbeatAt(amphora.amphoraId) ?? diedAt };
    }),
  );
  await until(
    `the replacement of ${silences.map((silence) => silence.amphoraId).join(', ')}`,
    async () => {
      const now = await servingAmphorae(bed);
      const replaced = (silence: Silence) =>
        now.some(
          (amphora) =>
            amphora.loadBalancerId === silence.loadBalancerId &&
            amphora.amphoraId !== silence.amphoraId &&
            amphora.status === 'ALLOCATED' &&
            amphora.provisioningStatus === 'ACTIVE',
        );
      return silences.every(replaced) ? true : undefined;
    },
    60_000,
  );
  return silences;
}

/** Runs the detection samples on a bed of its own (no breaker), `plan.perRound` silent amphorae at a time. */
export async function measureDetection(
  bed: HealthBed,
  plan: HealthPlan['detection'],
  timing: Timing,
): Promise<DetectionResult> {
  await createFleet(bed, plan.loadBalancers, timing, plan.loadBalancers);
  // Every amphora heard at least once before the first one dies.
  await pause(2 * HEARTBEAT_INTERVAL_MS);
  const silences: Silence[] = [];
  for (let index = 0; silences.length < plan.samples; index += 1) {
    const serving = await servingAmphorae(bed);
    const count = Math.min(plan.perRound, plan.samples - silences.length);
    // Rotate through the load balancers: one whose replacement was just built rests a few rounds.
    const chosen = Array.from(
      { length: count },
      (_, offset) => serving[(index * plan.perRound + offset) % serving.length],
    );
    silences.push(
      ...(await silenceRound(
        bed,
        chosen.filter((amphora) => amphora !== undefined),
      )),
    );
  }
  const runs = await failoverRuns(bed.client);
  const fromHeartbeat: number[] = [];
  const fromDeath: number[] = [];
  for (const silence of silences) {
    const started = runs
      .filter((run) => run.loadBalancerId === silence.loadBalancerId && run.startMs >= silence.lastHeartbeatAt)
      .sort((a, b) => a.startMs - b.startMs)[0];
    if (!started) throw new Error(`health bench: no failover workflow found for ${silence.amphoraId}`);
    fromHeartbeat.push(started.startMs - silence.lastHeartbeatAt);
    fromDeath.push(started.startMs - silence.diedAt);
  }
  const spread = percentiles(fromHeartbeat);
  return {
    samples: silences.length,
    from_last_heartbeat_ms: spread,
    from_death_ms: percentiles(fromDeath),
    p50_over_timeout: round(spread.p50 / HEALTH_SETTINGS.heartbeatTimeoutMs, 3),
    p95_over_timeout: round(spread.p95 / HEALTH_SETTINGS.heartbeatTimeoutMs, 3),
    failovers_per_silence: round(runs.length / silences.length, 3),
  };
}
