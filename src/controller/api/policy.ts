/**
 * What a caller may do, in the terms of Octavia's default policy (octavia/policies/base.py): `load-balancer:admin`
 * (every route, every project), `read-global` (reads of every project), `read` and `write` of its own project.
 */
export interface Grants {
  admin: boolean;
  readsAll: boolean;
  readsOwn: boolean;
  writesOwn: boolean;
}

/** Who is calling: the project its token is scoped to (none for an operator's), and what the policy grants it. */
export interface Caller extends Grants {
  projectId?: string;
}

/**
 * Which role names give which grants:
 * - `octavia`, Octavia's default: `admin` or `load-balancer_admin` is an admin; `load-balancer_global_observer` reads
 *   every project; `load-balancer_member` with `member` reads and writes its project, `load-balancer_observer` with
 *   `reader` reads it (Keystone implies `reader` from `member` and `member` from `admin`).
 * - `keystone_default_roles`, Octavia's keystone_default_roles-policy.yaml: no load-balancer_* role needed; `admin`
 *   (or `load-balancer_admin`) is an admin, `member` writes and `reader` reads its project.
 */
export type PolicyName = 'octavia' | 'keystone_default_roles';

export const POLICY_NAMES = ['octavia', 'keystone_default_roles'] as const satisfies readonly PolicyName[];

/** The grants of a token with these effective roles under `policy`. */
export function grantsFor(policy: PolicyName, roles: readonly string[]): Grants {
  const has = (role: string) => roles.includes(role);
  const admin = has('admin') || has('load-balancer_admin');
  if (policy === 'keystone_default_roles') {
    return {
      admin,
      readsAll: admin,
      readsOwn: admin || has('reader') || has('member'),
      writesOwn: admin || has('member'),
    };
  }
  const member = has('load-balancer_member') && has('member');
  const observer = has('load-balancer_observer') && (has('reader') || has('member'));
  const readsAll = admin || has('load-balancer_global_observer');
  return { admin, readsAll, readsOwn: readsAll || member || observer, writesOwn: admin || member };
}

/** A static token's grants: with a project it reads and writes that project, without one it is an operator's. */
export function staticTokenGrants(projectId: string | undefined): Grants {
  return projectId
    ? { admin: false, readsAll: false, readsOwn: true, writesOwn: true }
    : { admin: true, readsAll: true, readsOwn: true, writesOwn: true };
}
