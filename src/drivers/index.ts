import type { DriverSelection } from '../config';
import type { AmphoraComputeDriver } from './compute/driver';
import type { AbstractNetworkDriver } from './network/driver';
import { createNoopDrivers, type NoopDriverOptions } from './noop';

export * from './errors';
export * from './compute';
export * from './network';
export * from './noop';

/** The drivers a worker's activities use. */
export interface Drivers {
  compute: AmphoraComputeDriver;
  network: AbstractNetworkDriver;
  /** Releases what the drivers hold (database handles, sockets). */
  close(): void;
}

/**
 * Creates the drivers that the configuration selects.
 *
 * @throws ConfigError when a selected driver cannot be set up from the configuration.
 */
export function createDrivers(selection: DriverSelection, noopExtras: NoopDriverOptions = {}): Drivers {
  if (selection.compute !== 'noop' || selection.network !== 'noop') {
    throw new Error(
      `AMPHORA_COMPUTE_DRIVER=${selection.compute} / AMPHORA_NETWORK_DRIVER=${selection.network}: only the noop drivers are available in this build`,
    );
  }
  return createNoopDrivers({ state: selection.noop.state, buildDelayMs: selection.noop.buildDelayMs, ...noopExtras });
}
