import type { z } from 'zod';
import {
  type Amphora,
  AmphoraSchema,
  type HealthMonitor,
  HealthMonitorSchema,
  type L7Policy,
  L7PolicySchema,
  type L7Rule,
  L7RuleSchema,
  type Listener,
  ListenerSchema,
  type LoadBalancerTree,
  type Member,
  MemberSchema,
  type Pool,
  PoolSchema,
  type Topology,
} from '../../../../src/models';
import type { AmphoraConfigInput, AmphoraLoadBalancer } from '../../../../src/drivers/amphora/config';

/** A fixed UUID per kind of object (its first group) and number (its last): `20000000-0000-4000-8000-000000000003`. */
const uuid = (kind: string, n: number): string => `${kind}-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const ids = {
  project: uuid('90000000', 0),
  loadBalancer: uuid('10000000', 1),
  vipPort: uuid('e0000000', 1),
  vipSubnet: uuid('e1000000', 1),
  vipNetwork: uuid('e2000000', 1),
  amphora: (n: number) => uuid('a0000000', n),
  listener: (n: number) => uuid('20000000', n),
  pool: (n: number) => uuid('30000000', n),
  member: (n: number) => uuid('40000000', n),
  monitor: (n: number) => uuid('50000000', n),
  policy: (n: number) => uuid('60000000', n),
  rule: (n: number) => uuid('70000000', n),
};

const base = (id: string) => ({
  id,
  projectId: ids.project,
  provisioningStatus: 'ACTIVE' as const,
  operatingStatus: 'ONLINE' as const,
  createdAt: '2026-01-01T00:00:00Z',
});

/** Fields a fixture sets on top of the common ones (ids, project, ACTIVE/ONLINE, creation time). */
type Fields<S extends z.ZodType> = Partial<z.input<S>>;

export function listener(
  n: number,
  fields: Fields<typeof ListenerSchema> & Pick<Listener, 'protocol' | 'protocolPort'>,
): Listener {
  return ListenerSchema.parse({ ...base(ids.listener(n)), loadBalancerId: ids.loadBalancer, ...fields });
}

export function pool(n: number, fields: Fields<typeof PoolSchema> & Pick<Pool, 'protocol' | 'lbAlgorithm'>): Pool {
  return PoolSchema.parse({ ...base(ids.pool(n)), loadBalancerId: ids.loadBalancer, ...fields });
}

export function member(
  n: number,
  poolN: number,
  fields: Fields<typeof MemberSchema> & Pick<Member, 'address' | 'protocolPort'>,
): Member {
  return MemberSchema.parse({ ...base(ids.member(n)), poolId: ids.pool(poolN), ...fields });
}

export function monitor(
  n: number,
  poolN: number,
  fields: Fields<typeof HealthMonitorSchema> & Pick<HealthMonitor, 'type'>,
): HealthMonitor {
  return HealthMonitorSchema.parse({
    delay: 5,
    timeout: 3,
    maxRetries: 2,
    ...base(ids.monitor(n)),
    poolId: ids.pool(poolN),
    ...fields,
  });
}

export function policy(
  n: number,
  listenerN: number,
  fields: Fields<typeof L7PolicySchema> & Pick<L7Policy, 'action' | 'position'>,
): L7Policy {
  return L7PolicySchema.parse({ ...base(ids.policy(n)), listenerId: ids.listener(listenerN), ...fields });
}

export function rule(
  n: number,
  policyN: number,
  fields: Fields<typeof L7RuleSchema> & Pick<L7Rule, 'type' | 'compareType' | 'value'>,
): L7Rule {
  return L7RuleSchema.parse({ ...base(ids.rule(n)), l7PolicyId: ids.policy(policyN), ...fields });
}

export function amphora(n: number, fields: Partial<Amphora> = {}): Amphora {
  return AmphoraSchema.parse({
    id: ids.amphora(n),
    loadBalancerId: ids.loadBalancer,
    computeId: uuid('c0000000', n),
    status: 'ALLOCATED',
    role: 'STANDALONE',
    lbNetworkIp: `192.168.0.${10 + n}`,
    vrrpIp: `203.0.113.${10 + n}`,
    haIp: '203.0.113.100',
    ...fields,
  });
}

/** What a case's load balancer differs in from a SINGLE, up one on 203.0.113.100 with one STANDALONE amphora. */
export interface LoadBalancerFields {
  topology?: Topology;
  adminStateUp?: boolean;
  vipAddress?: string;
  amphorae?: Amphora[];
  tree: Partial<LoadBalancerTree>;
}

export function loadBalancer(fields: LoadBalancerFields): AmphoraLoadBalancer {
  const { tree } = fields;
  return {
    id: ids.loadBalancer,
    projectId: ids.project,
    topology: fields.topology ?? 'SINGLE',
    adminStateUp: fields.adminStateUp ?? true,
    vip: {
      ipAddress: fields.vipAddress ?? '203.0.113.100',
      subnetId: ids.vipSubnet,
      networkId: ids.vipNetwork,
      portId: ids.vipPort,
      octaviaOwned: true,
    },
    amphorae: fields.amphorae ?? [amphora(1)],
    tree: {
      listeners: tree.listeners ?? [],
      pools: tree.pools ?? [],
      members: tree.members ?? [],
      healthMonitors: tree.healthMonitors ?? [],
      l7Policies: tree.l7Policies ?? [],
      l7Rules: tree.l7Rules ?? [],
    },
  };
}

/** The input for one of the load balancer's amphorae (the first by default). */
export function inputFor(lb: AmphoraLoadBalancer, amphoraIndex = 0): AmphoraConfigInput {
  const target = lb.amphorae[amphoraIndex];
  if (!target) throw new Error(`the load balancer has no amphora #${amphoraIndex}`);
  return { loadBalancer: lb, amphora: target };
}

/** An ACTIVE_STANDBY pair (MASTER first, BACKUP second) plus a deleted amphora that must be left out. */
export function activeStandbyAmphorae(): Amphora[] {
  return [
    amphora(1, { role: 'MASTER' }),
    amphora(2, { role: 'BACKUP' }),
    amphora(3, { role: 'BACKUP', status: 'DELETED' }),
  ];
}
