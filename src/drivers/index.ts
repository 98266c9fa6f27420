import type { DriverSelection } from '../config';
import { ConfigError } from '../env';
import type { AmphoraType } from '../models';
import type { AmphoraLoadBalancerDriver } from './amphora/driver';
import { NoopAmphoraDriver } from './amphora/noop';
import type { AmphoraComputeDriver } from './compute/driver';
import { ComputeError } from './compute/errors';
import { NoopComputeDriver } from './compute/noop';
import { NovaApi } from './compute/nova/api';
import { NovaComputeDriver } from './compute/nova/driver';
import type { AbstractNetworkDriver } from './network/driver';
import { NeutronApi } from './network/neutron/api';
import { NeutronNetworkDriver, type NeutronNetworkOptions } from './network/neutron/driver';
import { NoopNetworkDriver } from './network/noop';
import {
  DEFAULT_NETWORKS,
  FaultInjector,
  MemoryNoopStore,
  NoopCloud,
  SqliteNoopStore,
  type FaultPlan,
  type InventoryItem,
  type JournalEntry,
  type NetworkSeed,
} from './noop';
import { createLocalDrivers } from './local';
import { OpenStackSession, type SessionOptions } from './openstack';
import { statusOf } from './openstack/errors';
import type { OpenStackSettings } from './openstack/settings';

export * from './errors';
export * from './compute';
export * from './network';
export * from './amphora';
// Both the network and the amphora family have a NetworkPlugRequest; at this level the name is the network one's,
// and the amphora one's is AmphoraNetworkPlugRequest.
export type { NetworkPlugRequest } from './network';
export * from './noop';
export * from './openstack';
export * from './local';

/** The drivers a worker's activities use. */
export interface Drivers {
  compute: AmphoraComputeDriver;
  network: AbstractNetworkDriver;
  amphora: AmphoraLoadBalancerDriver;
  /** Releases what the drivers hold (database handles, sockets). */
  close(): void;
}

/**
 * Creates the drivers that the configuration selects: the noop trio, the local data plane's trio (amphorae as
 * network namespaces on this machine; its fabric is made or joined here), Nova with Neutron (over one Keystone
 * session), or Nova with the noop network driver (to exercise builds alone on a real cloud).
 *
 * With Nova there is no real amphora driver yet: the amphora side is the noop one, over the noop cloud's store (so
 * workers sharing a SQLite file share it) but without checking instances there, since they live in Nova. A real
 * amphora driver, talking to the agent inside each amphora, arrives with the data-plane work.
 *
 * @param openstackExtras - what the OpenStack drivers take besides settings: a logger, backoff, the clock.
 * @throws ConfigError when a selected driver cannot be set up from the configuration.
 * @throws Error when the local fabric cannot be made (not root, no network namespaces, a program missing).
 */
export async function createDrivers(
  selection: DriverSelection,
  noopExtras: NoopDriverOptions = {},
  openstackExtras: OpenStackDriverOptions = {},
): Promise<Drivers> {
  const noop = () =>
    createNoopDrivers({
      state: selection.noop.state,
      buildDelayMs: selection.noop.buildDelayMs,
      apiLatencyMs: selection.noop.apiLatencyMs,
      faults: selection.noop.faults,
      ...noopExtras,
    });
  const locals = [selection.compute, selection.network, selection.amphora].filter((name) => name === 'local').length;
  if (locals > 0) {
    if (locals < 3) {
      throw new ConfigError(
        'The local data plane needs all three local drivers: set AMPHORA_COMPUTE_DRIVER=local and AMPHORA_NETWORK_DRIVER=local (AMPHORA_AMPHORA_DRIVER then defaults to local); its amphorae are namespaces only its own network and amphora drivers can reach',
        ['AMPHORA_COMPUTE_DRIVER', 'AMPHORA_NETWORK_DRIVER', 'AMPHORA_AMPHORA_DRIVER'],
      );
    }
    return createLocalDrivers({
      fabricId: selection.local.fabricId,
      root: selection.local.root,
      scriptsDir: selection.local.scriptsDir,
      heartbeats: selection.local.heartbeats,
      state: selection.noop.state,
      apiLatencyMs: noopExtras.apiLatencyMs ?? selection.noop.apiLatencyMs,
      faults: noopExtras.faults ?? selection.noop.faults,
    });
  }
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
  const noopDrivers = noop();
  const amphora = new NoopAmphoraDriver(noopDrivers.cloud, noopDrivers.faults, {
    apiLatencyMs: noopExtras.apiLatencyMs ?? selection.noop.apiLatencyMs,
    checkInstance: false,
  });
  return {
    compute: openstack.compute,
    network: selection.network === 'neutron' ? openstack.network : noopDrivers.network,
    amphora,
    close: () => {
      openstack.close();
      noopDrivers.close();
    },
  };
}

export interface NoopDriverOptions {
  /** `memory` (default) for one process, or a SQLite file that several processes share. */
  state?: 'memory' | { sqliteFile: string };
  /** How long an instance boots (BUILDING -> ACTIVE). */
  buildDelayMs?: number;
  /** Simulated latency of every API call. */
  apiLatencyMs?: number;
  /** The initial fault plan; replace it later through `faults.setPlan`. */
  faults?: FaultPlan;
  /** Networks and subnets to seed; the defaults when absent. */
  networks?: readonly NetworkSeed[];
  /** Amphora types the compute side builds. */
  supportedTypes?: readonly AmphoraType[];
  /** The clock, in milliseconds. */
  now?: () => number;
}

/** The noop compute, network and amphora drivers over one pretend cloud, and the handles tests use to inspect it. */
export interface NoopDrivers {
  compute: NoopComputeDriver;
  network: NoopNetworkDriver;
  amphora: NoopAmphoraDriver;
  faults: FaultInjector;
  cloud: NoopCloud;
  /** Every live resource (servers, server groups, ports, security groups), sorted. */
  inventory(): InventoryItem[];
  /** Every create and delete so far, in order. */
  journal(): JournalEntry[];
  close(): void;
}

/**
 * Creates the noop drivers. They behave like a small cloud (instances boot, addresses are handed out from subnets,
 * names are unique) and fail on purpose through the fault plan, so that every rollback path can be exercised.
 */
export function createNoopDrivers(options: NoopDriverOptions = {}): NoopDrivers {
  const state = options.state ?? 'memory';
  const store = state === 'memory' ? new MemoryNoopStore() : new SqliteNoopStore(state.sqliteFile);
  const cloud = new NoopCloud(store, options.now);
  cloud.seedNetworks(options.networks ?? DEFAULT_NETWORKS);
  const faults = new FaultInjector(options.faults);
  return {
    compute: new NoopComputeDriver(cloud, faults, {
      buildDelayMs: options.buildDelayMs ?? 0,
      apiLatencyMs: options.apiLatencyMs,
      supportedTypes: options.supportedTypes,
    }),
    network: new NoopNetworkDriver(cloud, faults, { apiLatencyMs: options.apiLatencyMs }),
    amphora: new NoopAmphoraDriver(cloud, faults, { apiLatencyMs: options.apiLatencyMs }),
    faults,
    cloud,
    inventory: () => cloud.inventory(),
    journal: () => cloud.journalEntries(),
    close: () => {
      faults.releaseHangs();
      store.close();
    },
  };
}

export interface OpenStackDriverOptions extends SessionOptions {
  detachWait?: NeutronNetworkOptions['detachWait'];
}

/** The Nova and Neutron drivers over one Keystone session. */
export interface OpenStackDrivers {
  compute: NovaComputeDriver;
  network: NeutronNetworkDriver;
  session: OpenStackSession;
  /** Closes the session's keep-alive connections. */
  close(): void;
}

/** Builds the Nova and Neutron drivers, sharing one session (one token, one breaker per service). */
export function createOpenStackDrivers(
  settings: OpenStackSettings,
  options: OpenStackDriverOptions = {},
): OpenStackDrivers {
  const session = new OpenStackSession(settings, options);
  const nova = new NovaApi(session.service('compute'));
  const neutron = new NeutronApi(session.service('network'));
  const managementNetworkId = settings.managementNetworkId;
  const managementNetwork = managementNetworkId
    ? {
        id: managementNetworkId,
        verify: async () => {
          try {
            await neutron.getNetwork(managementNetworkId);
          } catch (err) {
            if (statusOf(err) !== 404) throw err;
            throw new ComputeError(
              `AMPHORA_MGMT_NETWORK_ID="${managementNetworkId}": Neutron has no such network; set it to the id of the amphora management network`,
              { retryable: false, cause: err },
            );
          }
        },
      }
    : undefined;
  const compute = new NovaComputeDriver(nova, { defaults: settings.amphora, managementNetwork });
  const network = new NeutronNetworkDriver(neutron, nova, { detachWait: options.detachWait });
  return { compute, network, session, close: () => session.close() };
}
