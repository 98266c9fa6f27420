import type { LoadBalancerTree, Member, PoolProtocol, TreeKind, TreeObject } from '../../models';
import { findObject, KIND_TITLES, type TreeChange, type TreeViolation } from './changes';
import { objectViolation } from './object-rules';
import { mergeChanges } from './merge';

/** Octavia's pairs of listener protocol and the pool protocols it may send to. */
const POOL_PROTOCOLS: Record<string, PoolProtocol[]> = {
  TCP: ['HTTP', 'HTTPS', 'PROXY', 'PROXYV2', 'TCP'],
  HTTP: ['HTTP', 'PROXY', 'PROXYV2'],
  HTTPS: ['HTTPS', 'PROXY', 'PROXYV2', 'TCP'],
  TERMINATED_HTTPS: ['HTTP', 'PROXY', 'PROXYV2'],
  UDP: ['UDP'],
  SCTP: ['SCTP'],
};

/** Health monitor types by pool protocol: datagram pools are checked by keepalived, the others by haproxy. */
const DATAGRAM_MONITORS = new Set(['UDP-CONNECT', 'HTTP', 'TCP', 'SCTP']);
const STREAM_MONITORS = new Set(['HTTP', 'HTTPS', 'PING', 'TCP', 'TLS-HELLO']);

const notFound = (kind: TreeKind, id: string): TreeViolation => ({
  reason: 'notFound',
  message: `${KIND_TITLES[kind]} ${id} could not be found.`,
});
const conflict = (message: string): TreeViolation => ({ reason: 'conflict', message });
const invalid = (field: string, message: string): TreeViolation => ({ reason: 'validation', field, message });

/**
 * Why a change cannot be made to this tree, or undefined when it can. References to objects the tree does not hold
 * (another load balancer's, another project's) are 404s, duplicates 409s, mismatched protocols 400s.
 */
export function treeViolation(tree: LoadBalancerTree, change: TreeChange): TreeViolation | undefined {
  if (change.action === 'replace-members') return membersViolation(tree, change.poolId, change.members);
  if (change.action === 'delete') {
    if (!findObject(tree, change.kind, change.id)) return notFound(change.kind, change.id);
    if (change.kind === 'pools') {
      const policy = tree.l7Policies.find((p) => p.redirectPoolId === change.id);
      if (policy) {
        return conflict(
          `Pool ${change.id} is the redirect pool of L7 policy ${policy.id}; change or delete the policy first.`,
        );
      }
    }
    return undefined;
  }
  if (change.action === 'update') {
    const current = findObject(tree, change.kind, change.id);
    if (!current) return notFound(change.kind, change.id);
    const next = mergeChanges(current, change.changes);
    return objectViolation(change.kind, next) ?? placement(tree, change.kind, next, change.id);
  }
  if (findObject(tree, change.kind, change.object.id)) {
    return conflict(`${KIND_TITLES[change.kind]} ${change.object.id} already exists.`);
  }
  const own = objectViolation(change.kind, change.object);
  if (own) return own;
  if (change.kind === 'pools' && change.defaultPoolOf !== undefined) {
    const listener = findObject(tree, 'listeners', change.defaultPoolOf);
    if (!listener) return notFound('listeners', change.defaultPoolOf);
    if (listener.defaultPoolId) {
      return conflict(`Listener ${listener.id} already has default pool ${listener.defaultPoolId}.`);
    }
    const pairs = protocolPair(listener.protocol, change.object.protocol);
    if (pairs) return pairs;
  }
  return placement(tree, change.kind, change.object, undefined);
}

/** Rules between an object and the rest of the tree; `self` is the id being updated (excluded from duplicates). */
function placement<K extends TreeKind>(
  tree: LoadBalancerTree,
  kind: K,
  object: TreeObject<K>,
  self: string | undefined,
): TreeViolation | undefined {
  const others = <T extends { id: string }>(objects: T[]) => objects.filter((candidate) => candidate.id !== self);
  switch (kind) {
    case 'listeners': {
      const listener = object as TreeObject<'listeners'>;
      const datagram = (protocol: string) => protocol === 'UDP' || protocol === 'SCTP';
      const taken = others(tree.listeners).find(
        (l) => l.protocolPort === listener.protocolPort && datagram(l.protocol) === datagram(listener.protocol),
      );
      if (taken) {
        return conflict(
          `Another Listener on this Load Balancer is already using protocol ${taken.protocol} and protocol_port ${listener.protocolPort}.`,
        );
      }
      if (listener.defaultPoolId === undefined) return undefined;
      const pool = findObject(tree, 'pools', listener.defaultPoolId);
      if (!pool) return notFound('pools', listener.defaultPoolId);
      const user = others(tree.listeners).find((l) => l.defaultPoolId === pool.id);
      if (user) return conflict(`Pool ${pool.id} is already the default pool of listener ${user.id}.`);
      return protocolPair(listener.protocol, pool.protocol);
    }
    case 'members': {
      const member = object as TreeObject<'members'>;
      if (!findObject(tree, 'pools', member.poolId)) return notFound('pools', member.poolId);
      const siblings = others(tree.members).filter((m) => m.poolId === member.poolId);
      return duplicateMember(siblings, member);
    }
    case 'healthMonitors': {
      const monitor = object as TreeObject<'healthMonitors'>;
      const pool = findObject(tree, 'pools', monitor.poolId);
      if (!pool) return notFound('pools', monitor.poolId);
      if (others(tree.healthMonitors).some((h) => h.poolId === pool.id)) {
        return conflict(`Pool ${pool.id} already has a health monitor.`);
      }
      const datagram = pool.protocol === 'UDP' || pool.protocol === 'SCTP';
      const allowed = datagram ? DATAGRAM_MONITORS : STREAM_MONITORS;
      if (!allowed.has(monitor.type)) {
        return invalid(
          'type',
          `A ${monitor.type} health monitor cannot check a ${pool.protocol} pool; use one of ${[...allowed].join(', ')}.`,
        );
      }
      return undefined;
    }
    case 'l7Policies': {
      const policy = object as TreeObject<'l7Policies'>;
      const listener = findObject(tree, 'listeners', policy.listenerId);
      if (!listener) return notFound('listeners', policy.listenerId);
      if (listener.protocol !== 'HTTP' && listener.protocol !== 'TERMINATED_HTTPS') {
        return invalid(
          'listener_id',
          `L7 policies apply to HTTP and TERMINATED_HTTPS listeners; listener ${listener.id} is ${listener.protocol}.`,
        );
      }
      if (policy.redirectPoolId === undefined) return undefined;
      const pool = findObject(tree, 'pools', policy.redirectPoolId);
      if (!pool) return notFound('pools', policy.redirectPoolId);
      return protocolPair(listener.protocol, pool.protocol);
    }
    case 'l7Rules': {
      const rule = object as TreeObject<'l7Rules'>;
      return findObject(tree, 'l7Policies', rule.l7PolicyId) ? undefined : notFound('l7Policies', rule.l7PolicyId);
    }
    default:
      return undefined;
  }
}

function protocolPair(listenerProtocol: string, poolProtocol: PoolProtocol): TreeViolation | undefined {
  if ((POOL_PROTOCOLS[listenerProtocol] ?? []).includes(poolProtocol)) return undefined;
  return invalid(
    'protocol',
    `The pool protocol '${poolProtocol}' is invalid while the listener protocol is '${listenerProtocol}'.`,
  );
}

function duplicateMember(siblings: Member[], member: Member): TreeViolation | undefined {
  const twin = siblings.find((m) => m.address === member.address && m.protocolPort === member.protocolPort);
  if (!twin) return undefined;
  return conflict(
    `Another member on this pool is already using ip address ${member.address} on protocol_port ${member.protocolPort}.`,
  );
}

function membersViolation(tree: LoadBalancerTree, poolId: string, members: Member[]): TreeViolation | undefined {
  if (!findObject(tree, 'pools', poolId)) return notFound('pools', poolId);
  for (const [index, member] of members.entries()) {
    if (duplicateMember(members.slice(0, index), member)) {
      return invalid(
        'members',
        `The list names ${member.address}:${member.protocolPort} twice; each member's address and port must be unique.`,
      );
    }
  }
  return undefined;
}
