/**
 * The health manager's figures (issue 17, items 5 and 6), each part on a fresh dev server as the rest of the bench:
 * the listener's datagrams per second per core, detection time against `heartbeat_timeout`, the storm with its
 * threshold either side of the silent share, and whether failover priority gets ahead of a backlog of creates.
 */
import type { Logger } from '../logger';
import type { Timing } from '../models';
import { startHealthBed, type HealthBed, type ServerStarter } from './health-bed';
import { measureDetection, type DetectionResult } from './health-detection';
import { measurePriority, type PriorityResult } from './health-priority';
import { HEALTH_PLANS, HEALTH_SETTINGS, HEARTBEAT_INTERVAL_MS, STORM_BOOT_MS } from './health-settings';
import { measureStorm, type HealthStormResult } from './health-storm';
import { measureListenerThroughput, type ListenerThroughput } from './health-throughput';

export interface HealthResults {
  mode: 'quick' | 'full';
  finishedAt: string;
  settings: { heartbeat_interval_ms: number; heartbeat_timeout_ms: number; check_interval_ms: number };
  listener_throughput: { sqlite: ListenerThroughput; memory: ListenerThroughput };
  detection: DetectionResult;
  storm: HealthStormResult;
  priority: PriorityResult;
}

export interface HealthPhaseOptions {
  startServer: ServerStarter;
  logger: Logger;
  quick: boolean;
  timing: Timing;
  say: (line: string) => void;
}

async function onBed<T>(options: HealthPhaseOptions, measure: (bed: HealthBed) => Promise<T>): Promise<T> {
  const bed = await startHealthBed(options.startServer, options.logger);
  try {
    return await measure(bed);
  } finally {
    await bed.close();
  }
}

/** Runs every part of the health figures and returns them for `results.health`. */
export async function healthPhase(options: HealthPhaseOptions): Promise<HealthResults> {
  const { say, timing } = options;
  const mode = options.quick ? 'quick' : 'full';
  const plan = HEALTH_PLANS[mode];
  say(`health: listener throughput, ${plan.throughput.durationMs} ms of datagrams, SQLite store then memory`);
  const throughput = await measureListenerThroughput(plan.throughput);
  say(`health: detection, ${plan.detection.samples} silent amphorae, ${plan.detection.perRound} at a time`);
  const detection = await onBed(options, (bed) => measureDetection(bed, plan.detection, timing));
  say(`health: storm of ${plan.storm.amphorae} amphorae (creating them first)`);
  const storm = await onBed(options, (bed) => measureStorm(bed, plan.storm, STORM_BOOT_MS, timing, say));
  say(`health: failover priority behind ${plan.priority.backlog} queued creates`);
  const priority = await measurePriority(options.startServer, options.logger, plan.priority, timing);
  return {
    mode,
    finishedAt: new Date().toISOString(),
    settings: {
      heartbeat_interval_ms: HEARTBEAT_INTERVAL_MS,
      heartbeat_timeout_ms: HEALTH_SETTINGS.heartbeatTimeoutMs,
      check_interval_ms: HEALTH_SETTINGS.checkIntervalMs,
    },
    listener_throughput: throughput,
    detection,
    storm,
    priority,
  };
}
