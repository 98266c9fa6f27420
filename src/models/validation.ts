import type { z } from 'zod';

/** The first problem of a zod error, as the field to fix and what it must satisfy, with the others appended. */
export function describeZodError(error: z.ZodError, prefix = ''): { field: string; constraint: string } {
  const fieldOf = (issue: z.core.$ZodIssue) => {
    // An unknown key has the object as its path; name the key itself, since that is what the caller must fix.
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
    return [prefix, ...path.map(String)].filter(Boolean).join('.') || '(request)';
  };
  const [first, ...rest] = error.issues;
  if (!first) return { field: prefix || '(request)', constraint: 'is invalid' };
  const more = rest.length ? `; also ${rest.map((issue) => `${fieldOf(issue)}: ${issue.message}`).join('; ')}` : '';
  return { field: fieldOf(first), constraint: `${first.message}${more}` };
}

/** Text without control characters (C0, DEL, C1): what names, descriptions and tags may hold. */
// eslint-disable-next-line no-control-regex
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f-\u009f]*$/;
