import type { LoadBalancerTree, Member, TreeKind, TreeObject } from '../../models';

/** One object of the tree with its kind, so that a change can carry any of them. */
export type TreeItem = { [K in TreeKind]: { kind: K; object: TreeObject<K> } }[TreeKind];

/**
 * Field changes of an update: a value sets the field, `null` clears it (Octavia's PUT with `null`), a missing key
 * leaves it as it is.
 */
export type FieldChanges = Record<string, unknown>;

/**
 * A change to the objects behind a load balancer's VIP, as the API sends it to the load balancer's entity. The API
 * has checked each field's format; the entity checks everything that needs the tree (references, uniqueness,
 * protocol pairs) against the tree as it is when the change arrives, so no race with another change can slip by.
 */
export type TreeChange =
  | ({ action: 'create' } & TreeItem & {
        /** A pool created with `listener_id` becomes that listener's default pool. */
        defaultPoolOf?: string;
      })
  | { action: 'update'; kind: TreeKind; id: string; changes: FieldChanges }
  | { action: 'delete'; kind: TreeKind; id: string }
  /** `PUT /pools/{id}/members`: the pool's members become exactly `members` (matched by address and port). */
  | { action: 'replace-members'; poolId: string; members: Member[] };

/** Why the entity refuses a change: Octavia's 400, 404 or 409. */
export interface TreeViolation {
  reason: 'validation' | 'notFound' | 'conflict';
  message: string;
  /** The request field at fault, for a 400. */
  field?: string;
}

/** What each kind is called in messages, as Octavia names it. */
export const KIND_TITLES: Record<TreeKind, string> = {
  listeners: 'Listener',
  pools: 'Pool',
  members: 'Member',
  healthMonitors: 'Health Monitor',
  l7Policies: 'L7 Policy',
  l7Rules: 'L7 Rule',
};

/** The object of a kind with an id, if the tree has it. */
export function findObject<K extends TreeKind>(tree: LoadBalancerTree, kind: K, id: string): TreeObject<K> | undefined {
  return (tree[kind] as TreeObject<K>[]).find((object) => object.id === id);
}

/** The tree a record holds; a record from before the object model has none. */
export function treeOf(record: { tree?: LoadBalancerTree }): LoadBalancerTree {
  const tree = record.tree;
  return {
    listeners: tree?.listeners ?? [],
    pools: tree?.pools ?? [],
    members: tree?.members ?? [],
    healthMonitors: tree?.healthMonitors ?? [],
    l7Policies: tree?.l7Policies ?? [],
    l7Rules: tree?.l7Rules ?? [],
  };
}

/** Whether a tree has any object: a load balancer with children is deleted only with `cascade`. */
export const hasChildren = (tree: LoadBalancerTree): boolean =>
  Object.values(tree).some((objects: unknown[]) => objects.length > 0);
