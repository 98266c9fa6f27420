/** The demo's web service: an HTTP listener on port 80, a round-robin pool with a health monitor, and its members. */
import { randomUUID } from 'node:crypto';
import {
  HealthMonitorSchema,
  ListenerSchema,
  MemberSchema,
  PoolSchema,
  type LoadBalancer,
  type LoadBalancerTree,
} from '../models';

/** The tree for `lb`: every object new (PENDING_CREATE), each member at `address:8080` on `subnetId`. */
export function webTree(
  lb: Pick<LoadBalancer, 'id' | 'projectId'>,
  members: { name: string; address: string }[],
  subnetId: string,
): LoadBalancerTree {
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
        name: 'http',
        loadBalancerId: lb.id,
        protocol: 'HTTP',
        protocolPort: 80,
        defaultPoolId: poolId,
      }),
    ],
    pools: [
      PoolSchema.parse({
        ...base,
        id: poolId,
        name: 'web',
        loadBalancerId: lb.id,
        protocol: 'HTTP',
        lbAlgorithm: 'ROUND_ROBIN',
      }),
    ],
    members: members.map((member) =>
      MemberSchema.parse({
        ...base,
        id: randomUUID(),
        name: member.name,
        poolId,
        address: member.address,
        protocolPort: 8080,
        subnetId,
      }),
    ),
    healthMonitors: [
      HealthMonitorSchema.parse({
        ...base,
        id: randomUUID(),
        poolId,
        type: 'HTTP',
        delay: 2,
        timeout: 1,
        maxRetries: 2,
        httpMethod: 'GET',
        urlPath: '/health',
        expectedCodes: '200',
      }),
    ],
    l7Policies: [],
    l7Rules: [],
  };
}
