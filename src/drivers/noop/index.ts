/** The pretend cloud the noop drivers share: its state, stores, seed networks and fault injection. */
import { NoopCloud, type InventoryItem } from './cloud';
import { FaultInjector, seededRandom, type FaultPlan } from './faults';
import type { JournalEntry } from './records';
import { DEFAULT_NETWORKS, type NetworkSeed } from './seed';
import { SqliteNoopStore } from './sqlite-store';
import { MemoryNoopStore } from './store';

export { DEFAULT_NETWORKS, FaultInjector, NoopCloud, MemoryNoopStore, SqliteNoopStore, seededRandom };
export type { FaultPlan, InventoryItem, JournalEntry, NetworkSeed };
export type { FaultRule, FaultMode } from './faults';
