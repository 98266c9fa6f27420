import type { FaultRule } from '../../src/drivers';
import type { Timing, Topology } from '../../src/models';
import { FAST_TIMING } from './orchestrator';

/** The flows the fault matrix fails, step by step. */
export type Flow = 'create' | 'failover' | 'plug-network' | 'configure';
export type Mode = 'before' | 'after' | 'hang' | 'late';
export const MODES: Mode[] = ['before', 'after', 'hang', 'late'];

/** The driver method behind each step, and how the failure message names the step. */
export const STEPS: Record<Flow, { method: string; step: string; topologies: Topology[] }[]> = {
  create: [
    { method: 'allocateVip', step: 'allocate VIP', topologies: ['SINGLE', 'ACTIVE_STANDBY'] },
    { method: 'createServerGroup', step: 'create server group', topologies: ['ACTIVE_STANDBY'] },
    { method: 'build', step: 'build', topologies: ['SINGLE', 'ACTIVE_STANDBY'] },
    { method: 'finalizeAmphora', step: 'finalize', topologies: ['SINGLE', 'ACTIVE_STANDBY'] },
    { method: 'plugVip', step: 'plug VIP into', topologies: ['SINGLE', 'ACTIVE_STANDBY'] },
    { method: 'postVipPlug', step: 'configure VIP on', topologies: ['SINGLE', 'ACTIVE_STANDBY'] },
    { method: 'updateVrrpConfiguration', step: 'start VRRP on', topologies: ['ACTIVE_STANDBY'] },
    { method: 'updateVip', step: 'update VIP', topologies: ['SINGLE', 'ACTIVE_STANDBY'] },
  ],
  failover: [
    { method: 'build', step: 'build', topologies: ['SINGLE', 'ACTIVE_STANDBY'] },
    { method: 'plugVip', step: 'plug VIP into', topologies: ['SINGLE', 'ACTIVE_STANDBY'] },
    { method: 'postVipPlug', step: 'configure VIP on', topologies: ['SINGLE', 'ACTIVE_STANDBY'] },
    { method: 'updateVrrpConfiguration', step: 'update VRRP on peer', topologies: ['ACTIVE_STANDBY'] },
  ],
  'plug-network': [{ method: 'plugNetwork', step: 'plug network into', topologies: ['SINGLE', 'ACTIVE_STANDBY'] }],
  // A tree (listener, pool, monitor, member on member-subnet-a) pushed to a load balancer that served nothing.
  configure: [
    { method: 'plugNetwork', step: 'plug network into', topologies: ['SINGLE', 'ACTIVE_STANDBY'] },
    { method: 'postNetworkPlug', step: 'configure member network on', topologies: ['SINGLE', 'ACTIVE_STANDBY'] },
    { method: 'updateAmphoraListeners', step: 'configure listeners on', topologies: ['SINGLE', 'ACTIVE_STANDBY'] },
    { method: 'updateVip', step: 'open listener ports', topologies: ['SINGLE', 'ACTIVE_STANDBY'] },
  ],
};

/**
 * Hangs (and late side effects) outlast a 1 s activity timeout on every one of 2 attempts: the step fails in ~2.5 s.
 * Undos get more attempts than FAST_TIMING's: on a loaded machine a 1 s attempt can time out before it does anything.
 */
export const HANG_TIMING: Timing = {
  ...FAST_TIMING,
  activityTimeoutMs: 1_000,
  maxAttempts: 2,
  compensationMaxAttempts: 10,
};

/** A late side effect lands this long after its call: past the 1 s attempt timeout, before the leak check looks. */
export const LATE_MS = 1_500;

/** The fault for a step: hangs and late effects on every call (each attempt), the others on the first only. */
export const ruleFor = (method: string, mode: Mode, subject?: string): FaultRule =>
  mode === 'hang'
    ? { method, call: 1, times: 1_000, mode: 'hang', hangMs: 30_000 }
    : mode === 'late'
      ? { method, call: 1, times: 1_000, mode: 'late', hangMs: LATE_MS }
      : { method, call: 1, mode, transient: false, ...(subject ? { subjectIncludes: subject } : {}) };
