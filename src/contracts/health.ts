import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AmphoraStatus, ProvisioningStatus } from '../models';
import type { LoadBalancerRecord } from './entity';

/**
 * The health manager's workflow id: one per task queue (it watches the load balancers whose entities run there),
 * started by every worker of that queue that has a heartbeat key.
 */
export const healthManagerWorkflowId = (taskQueue: string): string => `health-manager-${taskQueue}`;

/** How the health manager judges silence (Octavia's `[health_manager]` options). */
export interface HealthSettings {
  /** An amphora heard from longer ago than this is failed over (Octavia's `heartbeat_timeout`, 60 s). */
  heartbeatTimeoutMs: number;
  /** How often the manager looks at the last heartbeats (Octavia's `health_check_interval`, 3 s). */
  checkIntervalMs: number;
  /**
   * More amphorae silent at once than this trips the breaker: automatic failover stops and the silent ones are marked
   * FAILOVER_STOPPED (Octavia's `failover_threshold`). Undefined: no breaker.
   */
  failoverThreshold?: number;
}

/** One amphora the manager watches, as one look found it. */
export interface WatchedAmphora {
  amphoraId: string;
  loadBalancerId: string;
  status: AmphoraStatus;
  loadBalancerStatus: ProvisioningStatus;
  /**
   * When it was last heard from: its last heartbeat's arrival, or when the manager began to watch it if that is later.
   */
  lastHeardAt: number;
  /**
   * Whether any heartbeat of it arrived since it began to be watched. Only an amphora that was heard can fall silent
   * (Octavia's rule): one never heard is reported, not failed over, so that a wrong key or a blocked port cannot
   * make the manager replace every amphora of the cloud.
   */
  heard: boolean;
}

/** What one look found: every watched amphora, and the time of the look (the activity's clock). */
export interface HealthLook {
  at: number;
  amphorae: WatchedAmphora[];
}

/** The storm breaker (see {@link HealthSettings.failoverThreshold}). */
export interface BreakerState {
  state: 'CLOSED' | 'OPEN';
  threshold?: number;
  /**
   * Amphorae quiet for more than half the timeout at the last look (what the breaker counts: a storm's silences are
   * seen before the first one passes the timeout), failover in progress and FAILOVER_STOPPED ones included.
   */
  silent: number;
  /** When it last opened (ISO). */
  openedAt?: string;
  /** How many times it opened since the manager started. */
  trips: number;
}

/** A failover the manager started, or could not start yet. */
export interface HealthAction {
  amphoraId: string;
  loadBalancerId: string;
  /** How long the amphora had been silent when the manager acted. */
  silentForMs: number;
  outcome: 'failover started' | 'waiting: load balancer busy' | 'gone' | 'failover stopped' | 'resumed';
  at: string;
}

/** What the health manager's `healthStatus` query answers (the API, the CLI and the Temporal UI show it). */
export interface HealthManagerStatus {
  settings: HealthSettings;
  breaker: BreakerState;
  /** When the last look ran (ISO), and how many amphorae it watched. */
  lastLookAt?: string;
  watched: number;
  /**
   * Amphorae watched for longer than the timeout without a single heartbeat (a wrong key, a blocked port, an agent
   * that died before its first one): how many, and some of their ids.
   */
  neverHeard: { count: number; sample: string[] };
  /** Failovers started since the manager started (this run and the runs it continued from). */
  failoversStarted: number;
  /** The latest actions, newest last (bounded). */
  recent: HealthAction[];
}

export const healthStatusQuery = defineQuery<HealthManagerStatus>('healthStatus');

/** Marks amphorae FAILOVER_STOPPED (`stopped: true`) or back to ALLOCATED when they are heard again (`false`). */
export const markFailoverStoppedUpdate = defineUpdate<LoadBalancerRecord, [{ amphoraIds: string[]; stopped: boolean }]>(
  'markFailoverStopped',
);

/** New settings for a running health manager (a worker started with other ones sends them). */
export const healthSettingsSignal = defineSignal<[HealthSettings]>('healthSettings');
