import { randomUUID } from 'node:crypto';
import type { AmphoraLoadBalancer } from '../../../src/drivers';
import {
  emptyTree,
  L7PolicySchema,
  L7RuleSchema,
  ListenerSchema,
  MemberSchema,
  PoolSchema,
  type Amphora,
  type ListenerProtocol,
  type LoadBalancerTree,
  type Topology,
} from '../../../src/models';

const PROJECT = 'project-amphora-contract';
/** The VIP of every test load balancer, on the noop cloud's `vip-subnet`. */
export const VIP_ADDRESS = '198.51.100.100';

const common = (id: string) => ({
  id,
  projectId: PROJECT,
  provisioningStatus: 'ACTIVE' as const,
  operatingStatus: 'ONLINE' as const,
  createdAt: '2026-01-01T00:00:00Z',
});

/** What a test's tree serves: one listener per port, each with its own pool of two members. */
export interface WebTreeOptions {
  ports?: number[];
  protocol?: ListenerProtocol;
  /** Member addresses of every pool. */
  members?: string[];
}

/** A tree of listeners on `ports`, each to its own round-robin pool of members on port 8080. */
export function webTree(loadBalancerId: string, options: WebTreeOptions = {}): LoadBalancerTree {
  const { ports = [80], protocol = 'HTTP', members = ['203.0.113.11', '203.0.113.12'] } = options;
  const tree = emptyTree();
  for (const port of ports) {
    const pool = PoolSchema.parse({
      ...common(randomUUID()),
      loadBalancerId,
      protocol: protocol === 'UDP' ? 'UDP' : protocol === 'HTTP' ? 'HTTP' : 'TCP',
      lbAlgorithm: 'ROUND_ROBIN',
    });
    tree.pools.push(pool);
    tree.listeners.push(
      ListenerSchema.parse({
        ...common(randomUUID()),
        loadBalancerId,
        protocol,
        protocolPort: port,
        defaultPoolId: pool.id,
      }),
    );
    for (const address of members) {
      tree.members.push(MemberSchema.parse({ ...common(randomUUID()), poolId: pool.id, address, protocolPort: 8080 }));
    }
  }
  return tree;
}

/** Adds to `tree` an L7 policy of its first listener that sends `/api` requests to pool `poolId`. */
export function addRedirectToPool(tree: LoadBalancerTree, poolId: string): void {
  const listenerId = tree.listeners[0]?.id ?? '';
  const policy = L7PolicySchema.parse({
    ...common(randomUUID()),
    listenerId,
    action: 'REDIRECT_TO_POOL',
    position: 1,
    redirectPoolId: poolId,
  });
  tree.l7Policies.push(policy);
  tree.l7Rules.push(
    L7RuleSchema.parse({
      ...common(randomUUID()),
      l7PolicyId: policy.id,
      type: 'PATH',
      compareType: 'STARTS_WITH',
      value: '/api',
    }),
  );
}

/** The load balancer an amphora serves, on VIP 198.51.100.100 of the noop cloud's VIP network. */
export function amphoraLoadBalancer(
  amphorae: Amphora[],
  tree: LoadBalancerTree,
  topology: Topology = 'SINGLE',
  id: string = amphorae[0]?.loadBalancerId ?? randomUUID(),
): AmphoraLoadBalancer {
  return {
    id,
    projectId: PROJECT,
    topology,
    adminStateUp: true,
    vip: {
      ipAddress: VIP_ADDRESS,
      subnetId: 'vip-subnet',
      networkId: 'vip-net',
      portId: randomUUID(),
      octaviaOwned: true,
    },
    amphorae,
    tree,
  };
}
