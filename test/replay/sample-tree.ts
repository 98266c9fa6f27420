import { randomUUID } from 'node:crypto';
import {
  HealthMonitorSchema,
  ListenerSchema,
  MemberSchema,
  PoolSchema,
  type LoadBalancer,
  type LoadBalancerTree,
} from '../../src/models';

/** A small tree to push, every object PENDING_CREATE: HTTP listener → pool with a monitor → one member on member-subnet-a. */
export function sampleTree(lb: Pick<LoadBalancer, 'id' | 'projectId'>): LoadBalancerTree {
  const base = {
    projectId: lb.projectId,
    provisioningStatus: 'PENDING_CREATE',
    operatingStatus: 'OFFLINE',
    createdAt: new Date().toISOString(),
  } as const;
  const poolId = randomUUID();
  return {
    listeners: [
      ListenerSchema.parse({
        ...base,
        id: randomUUID(),
        loadBalancerId: lb.id,
        protocol: 'HTTP',
        protocolPort: 80,
        defaultPoolId: poolId,
      }),
    ],
    pools: [
      PoolSchema.parse({ ...base, id: poolId, loadBalancerId: lb.id, protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN' }),
    ],
    members: [
      MemberSchema.parse({
        ...base,
        id: randomUUID(),
        poolId,
        address: '203.0.113.10',
        protocolPort: 8080,
        subnetId: 'member-subnet-a',
      }),
    ],
    healthMonitors: [
      HealthMonitorSchema.parse({
        ...base,
        id: randomUUID(),
        poolId,
        type: 'HTTP',
        delay: 5,
        timeout: 3,
        maxRetries: 3,
        httpMethod: 'GET',
        urlPath: '/',
        expectedCodes: '200',
      }),
    ],
    l7Policies: [],
    l7Rules: [],
  };
}
