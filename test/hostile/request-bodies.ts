import fc from 'fast-check';

/**
 * Hostile request bodies for property-based tests (fast-check): one valid body broken in one place, so a test can
 * demand that the refusal names that place, or random JSON. Written for the workflow inputs; the REST API's tests can
 * reuse it for their bodies with their own field rules (`malformedRequestBody(validBody, rules, strictObjects)`).
 */

/** Values of every JSON type and a few that JSON handles badly, for fields where the type itself is wrong. */
export const anyJson = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 20 }),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  );

/** Anything but a string. */
export const notAString = (): fc.Arbitrary<unknown> => anyJson().filter((value) => typeof value !== 'string');

/** Strings that are not acceptable ids: empty, blank-edged, too long, or not strings at all. */
export const invalidId = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constant(''),
    fc.constantFrom(' ', ' padded', 'padded ', '\tx\n'),
    fc.string({ minLength: 256, maxLength: 3_000 }).filter((text) => /^\S(.*\S)?$/s.test(text)),
    notAString(),
  );

/** Text longer than `max` characters, or not text. */
export const invalidText = (max: number): fc.Arbitrary<unknown> =>
  fc.oneof(fc.string({ minLength: max + 1, maxLength: max + 200 }), notAString());

/** A value outside an enumeration. */
export const notOneOf = (allowed: readonly string[]): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.string({ maxLength: 20 }).filter((text) => !allowed.includes(text)),
    notAString(),
  );

/** Strings that are not IP addresses, and other types. */
export const invalidIp = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom('256.1.1.1', '10.0.0', '10.0.0.1/24', 'localhost', '::gg', '1.2.3.4 '),
    fc.string({ maxLength: 15 }).filter((text) => !/^\d+\.\d+\.\d+\.\d+$/.test(text) && !text.includes(':')),
    notAString(),
  );

/** Integers outside [min, max], fractions, and other types. */
export const invalidInt = (min: number, max: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.integer({ max: min - 1 }),
    ...(max < 0x7fffffff ? [fc.integer({ min: max + 1 })] : []),
    fc.double({ min, max: Math.min(max, 1e9), noNaN: true }).filter((value) => !Number.isInteger(value)),
    anyJson().filter((value) => typeof value !== 'number'),
  );

/** A field of a body and the values that must be refused there. */
export interface FieldRule {
  /** Dotted path in the valid body (`amphora.imageId`). */
  path: string;
  /** Leaving it out must be refused too. */
  required?: boolean;
  /** Values that must be refused at `path`. */
  invalid?: fc.Arbitrary<unknown>;
}

/** A valid body broken in one place. */
export interface MalformedBody {
  body: unknown;
  /** Where it is broken: the field a refusal should name (or an ancestor or descendant of it). */
  path: string;
  /** How: `replaced`, `removed` or `unknown field added`. */
  how: string;
}

const segments = (path: string) => (path ? path.split('.') : []);

function parentAndKey(root: Record<string, unknown>, path: string): [Record<string, unknown>, string] {
  const parts = segments(path);
  const key = parts.pop() as string;
  let node: Record<string, unknown> = root;
  for (const part of parts) node = node[part] as Record<string, unknown>;
  return [node, key];
}

/**
 * Copies of `valid()` with exactly one fault: a field replaced by a value its rule says must be refused, a required
 * field removed, or an unknown field added to one of `strictObjects` (paths of objects that take no extra keys;
 * `''` is the body itself).
 */
export function malformedRequestBody(
  valid: () => Record<string, unknown>,
  rules: readonly FieldRule[],
  strictObjects: readonly string[] = [''],
): fc.Arbitrary<MalformedBody> {
  const replaced = rules.flatMap((rule) =>
    rule.invalid
      ? [
          rule.invalid.map((value) => {
            const body = structuredClone(valid());
            const [parent, key] = parentAndKey(body, rule.path);
            parent[key] = value;
            return { body, path: rule.path, how: 'replaced' };
          }),
        ]
      : [],
  );
  const removed = rules
    .filter((rule) => rule.required)
    .map((rule) => {
      const body = structuredClone(valid());
      const [parent, key] = parentAndKey(body, rule.path);
      delete parent[key];
      return fc.constant({ body, path: rule.path, how: 'removed' });
    });
  const added = strictObjects.map((objectPath) =>
    fc.tuple(fc.stringMatching(/^[a-z][A-Za-z0-9_]{0,12}$/), anyJson()).map(([name, value]) => {
      const body = structuredClone(valid());
      const target = objectPath
        ? (parentAndKey(body, objectPath)[0][segments(objectPath).pop() as string] as object)
        : body;
      const key = `unknown_${name}`;
      (target as Record<string, unknown>)[key] = value;
      return { body, path: objectPath ? `${objectPath}.${key}` : key, how: 'unknown field added' };
    }),
  );
  return fc.oneof(...replaced, ...removed, ...added);
}

/** Whether a refusal that names `field` points at where `malformed` was broken (the place, a parent or a child). */
export function namesThePlace(field: string, path: string): boolean {
  return field === path || path.startsWith(`${field}.`) || field.startsWith(`${path}.`);
}

/** Random JSON, objects with keys a parser may treat specially among them. */
export const hostileJson = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constant({}),
    fc.constant([]),
    fc.constantFrom({ constructor: { prototype: 1 } }, JSON.parse('{"__proto__":{"polluted":true}}') as object),
  );
