import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AvailabilityZone, AvailabilityZoneProfile, Flavor, FlavorProfile, QuotaLimits } from '../models';

/**
 * The catalog workflow of a deployment: one per task queue, so that controllers sharing a namespace on different
 * queues (tests, staging beside production) keep their flavors and quotas apart.
 */
export const catalogWorkflowId = (taskQueue: string): string => `amphora-catalog-${taskQueue}`;

/** What the catalog holds. Quotas are only the projects an operator set; the rest use the defaults. */
export interface CatalogState {
  flavorProfiles: FlavorProfile[];
  flavors: Flavor[];
  availabilityZoneProfiles: AvailabilityZoneProfile[];
  availabilityZones: AvailabilityZone[];
  quotas: Record<string, Partial<QuotaLimits>>;
}

export const emptyCatalog = (): CatalogState => ({
  flavorProfiles: [],
  flavors: [],
  availabilityZoneProfiles: [],
  availabilityZones: [],
  quotas: {},
});

/** The catalog's collections keyed by id (availability zones by name). */
export type CatalogKind = 'flavorProfiles' | 'flavors' | 'availabilityZoneProfiles' | 'availabilityZones';
type Entry<K extends CatalogKind> = CatalogState[K][number];

/** A change an operator makes. `key` is the id, or an availability zone's name. */
export type CatalogChange =
  | { [K in CatalogKind]: { action: 'create'; kind: K; entry: Entry<K> } }[CatalogKind]
  | { action: 'update'; kind: CatalogKind; key: string; changes: Record<string, unknown> }
  | { action: 'delete'; kind: CatalogKind; key: string }
  | { action: 'set-quota'; projectId: string; limits: Partial<QuotaLimits> }
  | { action: 'reset-quota'; projectId: string };

/** Why the catalog refuses a change: Octavia's 400, 404 or 409. */
export interface CatalogViolation {
  reason: 'validation' | 'notFound' | 'conflict';
  message: string;
}

const TITLES: Record<CatalogKind, string> = {
  flavorProfiles: 'Flavor profile',
  flavors: 'Flavor',
  availabilityZoneProfiles: 'Availability zone profile',
  availabilityZones: 'Availability zone',
};

/** An entry's key: its id, or an availability zone's name. */
export const keyOf = (entry: { id?: string; name: string }): string => entry.id ?? entry.name;

/** The entry of a kind with a key. */
export function findEntry<K extends CatalogKind>(state: CatalogState, kind: K, key: string): Entry<K> | undefined {
  return (state[kind] as Entry<K>[]).find((entry) => keyOf(entry) === key);
}

/** Why the change cannot be made to this catalog, or undefined. */
export function catalogViolation(state: CatalogState, change: CatalogChange): CatalogViolation | undefined {
  if (change.action === 'set-quota' || change.action === 'reset-quota') return undefined;
  if (change.action === 'create') {
    if (findEntry(state, change.kind, keyOf(change.entry))) {
      return { reason: 'conflict', message: `${TITLES[change.kind]} ${keyOf(change.entry)} already exists.` };
    }
    return profileViolation(state, { ...change.entry });
  }
  const current = findEntry(state, change.kind, change.key);
  if (!current) return { reason: 'notFound', message: `${TITLES[change.kind]} ${change.key} could not be found.` };
  if (change.action === 'update') return profileViolation(state, change.changes);
  const user =
    change.kind === 'flavorProfiles'
      ? state.flavors.find((flavor) => flavor.flavorProfileId === change.key)
      : change.kind === 'availabilityZoneProfiles'
        ? state.availabilityZones.find((zone) => zone.availabilityZoneProfileId === change.key)
        : undefined;
  if (user) {
    return {
      reason: 'conflict',
      message: `${TITLES[change.kind]} ${change.key} is in use by ${keyOf(user)}; delete that first.`,
    };
  }
  return undefined;
}

function profileViolation(state: CatalogState, fields: Record<string, unknown>): CatalogViolation | undefined {
  const { flavorProfileId, availabilityZoneProfileId } = fields;
  if (typeof flavorProfileId === 'string' && !findEntry(state, 'flavorProfiles', flavorProfileId)) {
    return { reason: 'notFound', message: `Flavor profile ${flavorProfileId} could not be found.` };
  }
  if (
    typeof availabilityZoneProfileId === 'string' &&
    !findEntry(state, 'availabilityZoneProfiles', availabilityZoneProfileId)
  ) {
    return {
      reason: 'notFound',
      message: `Availability zone profile ${availabilityZoneProfileId} could not be found.`,
    };
  }
  return undefined;
}

/** The catalog after a change (checked first with {@link catalogViolation}). */
export function applyCatalogChange(state: CatalogState, change: CatalogChange): CatalogState {
  switch (change.action) {
    case 'set-quota':
      return {
        ...state,
        quotas: { ...state.quotas, [change.projectId]: { ...state.quotas[change.projectId], ...change.limits } },
      };
    case 'reset-quota': {
      const { [change.projectId]: _reset, ...rest } = state.quotas;
      return { ...state, quotas: rest };
    }
    case 'create':
      return { ...state, [change.kind]: [...state[change.kind], change.entry] };
    case 'update':
      return {
        ...state,
        [change.kind]: (state[change.kind] as Entry<CatalogKind>[]).map((entry) =>
          keyOf(entry) === change.key ? { ...entry, ...change.changes } : entry,
        ),
      };
    case 'delete':
      return {
        ...state,
        [change.kind]: (state[change.kind] as Entry<CatalogKind>[]).filter((entry) => keyOf(entry) !== change.key),
      };
  }
}

export const changeCatalogUpdate = defineUpdate<CatalogState, [CatalogChange]>('changeCatalog');
export const catalogQuery = defineQuery<CatalogState>('catalog');
