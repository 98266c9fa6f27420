/**
 * What the health bench runs at. Octavia's defaults (a heartbeat every 10 s, failover after 60 s of silence, a look
 * every 3 s) would make each sample a minute long; these keep the proportions that matter (the timeout is five
 * intervals, so one lost datagram never fails an amphora over) at a tenth of the time.
 */
import type { HealthSettings } from '../contracts';

/** How often each simulated amphora sends a heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 1_000;

/** The health manager's settings, the breaker aside (each scenario sets its threshold). */
export const HEALTH_SETTINGS: Readonly<HealthSettings> = { heartbeatTimeoutMs: 5_000, checkIntervalMs: 1_000 };

/** How long a replacement amphora boots in the storm: a real Nova boot (the create that seeds it boots at once). */
export const STORM_BOOT_MS = 30_000;

/** The sizes of each part, full and quick. */
export interface HealthPlan {
  /** Load balancers the detection samples rotate over, how many samples in all, and how many go silent together. */
  detection: { loadBalancers: number; samples: number; perRound: number };
  /** Simulated amphorae (SINGLE load balancers), the share that goes silent at once, and the thresholds either side. */
  storm: { amphorae: number; silentShare: number; thresholdAbove: number; thresholdBelow: number };
  /** How long each listener-throughput run blasts datagrams, and at how many amphora ids. */
  throughput: { durationMs: number; amphorae: number };
  /** Creates queued ahead of each pair of timed failovers (one per priority), pairs, and failovers without a backlog. */
  priority: { backlog: number; samples: number; idleSamples: number };
}

export const HEALTH_PLANS: Record<'quick' | 'full', HealthPlan> = {
  quick: {
    detection: { loadBalancers: 8, samples: 12, perRound: 3 },
    storm: { amphorae: 200, silentShare: 0.3, thresholdAbove: 80, thresholdBelow: 40 },
    throughput: { durationMs: 3_000, amphorae: 1_000 },
    priority: { backlog: 200, samples: 2, idleSamples: 2 },
  },
  full: {
    detection: { loadBalancers: 12, samples: 30, perRound: 3 },
    storm: { amphorae: 1_000, silentShare: 0.3, thresholdAbove: 400, thresholdBelow: 200 },
    throughput: { durationMs: 5_000, amphorae: 1_000 },
    priority: { backlog: 200, samples: 4, idleSamples: 3 },
  },
};

/** The amphora ids the listener-throughput runs watch and send heartbeats for. */
export const throughputAmphoraIds = (count: number): string[] =>
  Array.from({ length: count }, (_, index) => `bench-amphora-${index}`);
