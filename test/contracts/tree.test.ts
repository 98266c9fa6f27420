import { pendingTree, settleTree, treeOf, treeViolation, type TreeChange } from '../../src/contracts';
import { sampleTree } from '../replay/sample-tree';

const LB = { id: '10000000-0000-4000-8000-000000000001', projectId: 'project-a' };
const NOW = '2026-12-01T00:00:00.000Z';

/** The sample tree, settled ACTIVE: what a load balancer serves before the next change. */
function activeTree() {
  const tree = sampleTree(LB);
  const change: TreeChange = { action: 'update', kind: 'listeners', id: tree.listeners[0]?.id ?? '', changes: {} };
  return settleTree(tree, treeOf({}), change, 'succeeded', NOW);
}

describe('changes to the tree behind a VIP', () => {
  it('marks a new member PENDING_CREATE and its pool and listener PENDING_UPDATE, then ACTIVE', () => {
    const tree = activeTree();
    const pool = tree.pools[0];
    if (!pool) throw new Error('the sample has no pool');
    const member = { ...tree.members[0], id: '20000000-0000-4000-8000-000000000009', address: '203.0.113.99' };
    const change = { action: 'create', kind: 'members', object: member } as TreeChange;
    expect(treeViolation(tree, change)).toBeUndefined();
    const pending = pendingTree(tree, change, NOW);
    expect(pending.members.find((m) => m.id === member.id)?.provisioningStatus).toBe('PENDING_CREATE');
    expect(pending.pools[0]?.provisioningStatus).toBe('PENDING_UPDATE');
    expect(pending.listeners[0]?.provisioningStatus).toBe('PENDING_UPDATE');
    const settled = settleTree(pending, tree, change, 'succeeded', NOW);
    expect(
      new Set([...settled.members, ...settled.pools, ...settled.listeners].map((o) => o.provisioningStatus)),
    ).toEqual(new Set(['ACTIVE']));
  });

  it('puts an update back, in ERROR, when the push failed, and leaves the objects above it ACTIVE', () => {
    const tree = activeTree();
    const id = tree.members[0]?.id ?? '';
    const change: TreeChange = { action: 'update', kind: 'members', id, changes: { weight: 7 } };
    const failed = settleTree(pendingTree(tree, change, NOW), tree, change, 'failed', NOW);
    expect(failed.members[0]).toMatchObject({ weight: 1, provisioningStatus: 'ERROR' });
    expect(failed.pools[0]?.provisioningStatus).toBe('ACTIVE');
  });

  it('deletes a pool with its members and monitor, and frees the listener of it', () => {
    const tree = activeTree();
    const poolId = tree.pools[0]?.id ?? '';
    const change: TreeChange = { action: 'delete', kind: 'pools', id: poolId };
    const pending = pendingTree(tree, change, NOW);
    expect(pending.members[0]?.provisioningStatus).toBe('PENDING_DELETE');
    expect(pending.healthMonitors[0]?.provisioningStatus).toBe('PENDING_DELETE');
    expect(pending.listeners[0]?.provisioningStatus).toBe('PENDING_UPDATE');
    expect(pending.listeners[0]?.defaultPoolId).toBeUndefined();
    const settled = settleTree(pending, tree, change, 'succeeded', NOW);
    expect([settled.pools, settled.members, settled.healthMonitors].map((list) => list.length)).toEqual([0, 0, 0]);
    // A failed delete gives the listener its default pool back.
    const failed = settleTree(pending, tree, change, 'failed', NOW);
    expect(failed.listeners[0]?.defaultPoolId).toBe(poolId);
    expect(failed.pools[0]?.provisioningStatus).toBe('ERROR');
  });

  it('refuses duplicates, foreign references and mismatched protocols the way Octavia does', () => {
    const tree = activeTree();
    const listener = tree.listeners[0];
    if (!listener) throw new Error('the sample has no listener');
    const twin = { ...listener, id: '30000000-0000-4000-8000-000000000009', protocol: 'TCP' as const };
    expect(treeViolation(tree, { action: 'create', kind: 'listeners', object: twin })).toMatchObject({
      reason: 'conflict',
    });
    const elsewhere = { ...twin, protocolPort: 81, defaultPoolId: '40000000-0000-4000-8000-000000000009' };
    expect(treeViolation(tree, { action: 'create', kind: 'listeners', object: elsewhere })).toMatchObject({
      reason: 'notFound',
      message: 'Pool 40000000-0000-4000-8000-000000000009 could not be found.',
    });
    const pool = tree.pools[0];
    if (!pool) throw new Error('the sample has no pool');
    // The listener has its default pool already.
    const second = { ...pool, id: '50000000-0000-4000-8000-000000000009' };
    expect(
      treeViolation(tree, { action: 'create', kind: 'pools', object: second, defaultPoolOf: listener.id }),
    ).toMatchObject({ reason: 'conflict' });
    const { defaultPoolId: _taken, ...bare } = twin;
    const udp = { ...bare, id: '70000000-0000-4000-8000-000000000009', protocol: 'UDP' as const, protocolPort: 53 };
    const udpListener: TreeChange = { action: 'create', kind: 'listeners', object: udp };
    const withUdp = settleTree(pendingTree(tree, udpListener, NOW), tree, udpListener, 'succeeded', NOW);
    const httpPool = { ...pool, id: '80000000-0000-4000-8000-000000000009' };
    expect(
      treeViolation(withUdp, { action: 'create', kind: 'pools', object: httpPool, defaultPoolOf: udp.id }),
    ).toMatchObject({
      reason: 'validation',
      field: 'protocol',
      message: "The pool protocol 'HTTP' is invalid while the listener protocol is 'UDP'.",
    });
    const monitor = { ...tree.healthMonitors[0], id: '60000000-0000-4000-8000-000000000009' };
    expect(
      treeViolation(tree, { action: 'create', kind: 'healthMonitors', object: monitor } as TreeChange),
    ).toMatchObject({
      reason: 'conflict',
      message: expect.stringContaining('already has a health monitor') as string,
    });
  });

  it('numbers L7 policies 1..n, inserting at a position and closing gaps on delete', () => {
    const tree = activeTree();
    const listenerId = tree.listeners[0]?.id ?? '';
    const policy = (id: string, position: number) => ({
      id,
      projectId: LB.projectId,
      name: '',
      description: '',
      listenerId,
      action: 'REJECT' as const,
      position,
      provisioningStatus: 'PENDING_CREATE' as const,
      operatingStatus: 'OFFLINE' as const,
      adminStateUp: true,
      tags: [],
      createdAt: NOW,
    });
    let current = tree;
    for (const [id, position] of [
      ['p1', 99],
      ['p2', 99],
      ['p3', 1],
    ] as const) {
      const change: TreeChange = { action: 'create', kind: 'l7Policies', object: policy(id, position) };
      current = settleTree(pendingTree(current, change, NOW), current, change, 'succeeded', NOW);
    }
    const order = () =>
      [...current.l7Policies].sort((a, b) => a.position - b.position).map((p) => `${p.id}@${p.position}`);
    expect(order()).toEqual(['p3@1', 'p1@2', 'p2@3']);
    const remove: TreeChange = { action: 'delete', kind: 'l7Policies', id: 'p1' };
    current = settleTree(pendingTree(current, remove, NOW), current, remove, 'succeeded', NOW);
    expect(order()).toEqual(['p3@1', 'p2@2']);
  });
});
