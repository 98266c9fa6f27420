import type { Client } from '@temporalio/client';
import type { Drivers } from '../drivers';
import { createAmphoraActivities } from './amphora';
import { createComputeActivities } from './compute';
import { createHealthActivities, type HeartbeatWatch } from './health';
import { asActivities } from './failures';
import { createNetworkActivities } from './network';
import { createSweeperActivities } from './sweeper';
import { createValidationActivities } from './validation';

/**
 * Creates the activities a worker registers, over the given drivers (dependency injection: the worker passes the
 * drivers in, tests pass noop ones). Driver errors reach workflows as typed, correctly retryable failures.
 *
 * @param options.temporalClient - what the orphan sweeper asks which load balancers are live; without it, the sweep
 *   fails at that step (nothing is deleted). The health manager sends its failovers through it too.
 * @param options.heartbeats - the last heartbeats the health manager reads; without it, its activities fail.
 */
export function createActivities(
  drivers: Pick<Drivers, 'compute' | 'network' | 'amphora'>,
  options: { temporalClient?: Client; heartbeats?: HeartbeatWatch } = {},
) {
  return asActivities({
    ...createComputeActivities(drivers.compute),
    ...createNetworkActivities(drivers.network),
    ...createAmphoraActivities(drivers.amphora),
    ...createValidationActivities(),
    ...createSweeperActivities(drivers, options.temporalClient),
    ...createHealthActivities(options),
  });
}

/** The activity interface workflows proxy (`proxyActivities<Activities>()`, imported with `import type`). */
export type Activities = ReturnType<typeof createActivities>;

export { toActivityFailure } from './failures';
export type { BuildAmphoraInput, WaitForAmphoraInput } from './compute';
export type { ValidInput, WorkflowName } from './validation';
