import type { FieldChanges } from '../../../contracts';

/**
 * Octavia's snake_case body fields to our camelCase ones: a value sets the field, `null` clears it, an absent field
 * is left alone. Nested objects (session persistence) and Octavia's string booleans are normalised on the way.
 */
export function toChanges(body: Record<string, unknown>, skip: readonly string[] = []): FieldChanges {
  const changes: FieldChanges = {};
  for (const [field, value] of Object.entries(body)) {
    if (value === undefined || skip.includes(field)) continue;
    changes[camel(field)] = normalise(field, value);
  }
  return changes;
}

/** Changes without the clears: what a create starts from before the model's defaults. */
export const withoutNulls = (changes: FieldChanges): FieldChanges =>
  Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== null));

function normalise(field: string, value: unknown): unknown {
  if (value === null) return null;
  if (field === 'insert_headers' && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([header, flag]) => [header, String(flag).toLowerCase()]));
  }
  if (field === 'session_persistence' && typeof value === 'object') {
    return withoutNulls(toChanges(value as Record<string, unknown>));
  }
  return value;
}

/** `protocol_port` → `protocolPort`; Octavia's `healthmonitor_id` style names are mapped where they differ. */
export const camel = (field: string): string =>
  field.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
