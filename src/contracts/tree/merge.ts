import type { FieldChanges } from './changes';

/** An object with an update's field changes applied: `null` clears a field, a missing key keeps it. */
export function mergeChanges<T extends object>(object: T, changes: FieldChanges): T {
  const next = { ...object } as Record<string, unknown>;
  for (const [field, value] of Object.entries(changes)) {
    if (value === null) delete next[field];
    else if (value !== undefined) next[field] = value;
  }
  return next as T;
}
