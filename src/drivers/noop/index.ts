import type { AmphoraType } from '../../models';
import { NoopComputeDriver } from '../compute/noop';
import { NoopNetworkDriver } from '../network/noop';
import { NoopCloud, type InventoryItem } from './cloud';
import { FaultInjector, seededRandom, type FaultPlan } from './faults';
import type { JournalEntry } from './records';
import { DEFAULT_NETWORKS, type NetworkSeed } from './seed';
import { SqliteNoopStore } from './sqlite-store';
import { MemoryNoopStore } from './store';

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

/** The noop compute and network drivers over one pretend cloud, and the handles tests use to inspect it. */
export interface NoopDrivers {
  compute: NoopComputeDriver;
  network: NoopNetworkDriver;
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

export { DEFAULT_NETWORKS, FaultInjector, NoopCloud, MemoryNoopStore, SqliteNoopStore, seededRandom };
export type { FaultPlan, InventoryItem, JournalEntry, NetworkSeed };
export type { FaultRule, FaultMode } from './faults';
