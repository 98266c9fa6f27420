import type { DriverSelection } from '../config';
import { ConfigError } from '../env';
import type { AmphoraComputeDriver } from './compute/driver';
import type { AbstractNetworkDriver } from './network/driver';
import { createNoopDrivers, type NoopDriverOptions } from './noop';
import { createOpenStackDrivers, type OpenStackDriverOptions } from './openstack';

export * from './errors';
export * from './compute';
export * from './network';
export * from './noop';
export * from './openstack';

/** The drivers a worker's activities use. */
export interface Drivers {
  compute: AmphoraComputeDriver;
  network: AbstractNetworkDriver;
  /** Releases what the drivers hold (database handles, sockets). */
  close(): void;
}

/**
 * Creates the drivers that the configuration selects: the noop pair, Nova with Neutron (over one Keystone session),
 * or Nova with the noop network driver (to exercise builds alone on a real cloud).
 *
 * @param openstackExtras - what the OpenStack drivers take besides settings: a logger, backoff, the clock.
 * @throws ConfigError when a selected driver cannot be set up from the configuration.
 */
export function createDrivers(
  selection: DriverSelection,
  noopExtras: NoopDriverOptions = {},
  openstackExtras: OpenStackDriverOptions = {},
): Drivers {
  const noop = () =>
    createNoopDrivers({
      state: selection.noop.state,
      buildDelayMs: selection.noop.buildDelayMs,
      apiLatencyMs: selection.noop.apiLatencyMs,
      faults: selection.noop.faults,
      ...noopExtras,
    });
  if (selection.compute === 'noop' && selection.network === 'noop') return noop();
  if (selection.network === 'neutron' && selection.compute !== 'nova') {
    throw new ConfigError(
      'AMPHORA_NETWORK_DRIVER=neutron needs AMPHORA_COMPUTE_DRIVER=nova: Neutron ports are attached to Nova servers',
      ['AMPHORA_NETWORK_DRIVER', 'AMPHORA_COMPUTE_DRIVER'],
    );
  }
  if (!selection.openstack) {
    throw new ConfigError(
      `AMPHORA_COMPUTE_DRIVER=${selection.compute} needs the OpenStack settings (OS_AUTH_URL, ...); build the selection with loadConfig`,
      ['OS_AUTH_URL'],
    );
  }
  const openstack = createOpenStackDrivers(selection.openstack, openstackExtras);
  if (selection.network === 'neutron') return openstack;
  const noopDrivers = noop();
  return {
    compute: openstack.compute,
    network: noopDrivers.network,
    close: () => {
      openstack.close();
      noopDrivers.close();
    },
  };
}
