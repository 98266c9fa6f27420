import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { NoopDrivers } from '../drivers';
import { operationSearchAttributes, type OperationName } from '../contracts';
import type { AmphoraTemplate, CreateLoadBalancerInput, LoadBalancer, Timing } from '../models';
import type { NetworkSeed } from '../drivers/noop/seed';

/** What every bench scenario runs against. */
export interface BenchContext {
  client: Client;
  /** A client on the worker's own connection, which can start workflows eagerly. */
  eagerClient: Client;
  taskQueue: string;
  drivers: NoopDrivers;
  timing: Timing;
}

/**
 * Roomy networks for the bench: thousands of load balancers need thousands of addresses. Ranges are RFC 2544's
 * benchmarking block and RFC 6598's shared space; the noop cloud only hands them out, nothing is sent to them.
 */
export const BENCH_NETWORKS: readonly NetworkSeed[] = [
  {
    network: { id: 'lb-mgmt-net', name: 'lb-mgmt-net' },
    subnets: [
      { id: 'lb-mgmt-subnet', name: 'lb-mgmt-subnet', cidr: '100.64.0.0/16', ipVersion: 4, gatewayIp: '100.64.0.1' },
    ],
  },
  {
    network: { id: 'vip-net', name: 'public' },
    subnets: [
      { id: 'vip-subnet', name: 'public-subnet', cidr: '198.18.0.0/15', ipVersion: 4, gatewayIp: '198.18.0.1' },
    ],
  },
];

/** What the bench's amphorae are built from. */
export const BENCH_AMPHORA_TEMPLATE: AmphoraTemplate = {
  imageId: 'amphora-image',
  flavor: 'amphora-flavor',
  managementNetworkId: 'lb-mgmt-net',
};

/**
 * The search attributes an operation on `lb` starts with when the entity starts it (the creates' starter sets them
 * too): the operation then upserts only its status, so the bench's runs cost the server what the product's do.
 */
export const startedAsTheEntityDoes = (
  operation: OperationName,
  lb: Pick<LoadBalancer, 'id' | 'projectId' | 'name'>,
) => ({
  typedSearchAttributes: operationSearchAttributes(operation, {
    loadBalancerId: lb.id,
    projectId: lb.projectId,
    name: lb.name,
  }),
});

/** A SINGLE (or ACTIVE_STANDBY) create request on the bench networks. */
export function benchRequest(
  timing: Timing,
  topology: CreateLoadBalancerInput['topology'] = 'SINGLE',
): CreateLoadBalancerInput {
  return {
    loadBalancerId: randomUUID(),
    projectId: 'bench',
    name: 'bench',
    topology,
    vip: { subnetId: 'vip-subnet' },
    amphora: BENCH_AMPHORA_TEMPLATE,
    listenerPorts: [{ protocol: 'TCP', port: 80 }],
    timing,
  };
}

/** Runs `total` jobs with at most `concurrency` in flight; resolves with the elapsed milliseconds. */
export async function runPool(
  total: number,
  concurrency: number,
  job: (index: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const index = next;
        next += 1;
        await job(index);
      }
    }),
  );
  return performance.now() - started;
}
