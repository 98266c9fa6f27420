/**
 * The bench worker's workflows: the product's own, plus the two yardsticks they are measured against. Like
 * src/workflows, this file is workflow code (deterministic, no I/O).
 */
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { BenchActivities } from './activities';

export * from '../workflows';

const { instant } = proxyActivities<BenchActivities>({
  startToCloseTimeout: '60s',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { maximumAttempts: 5 },
});

/**
 * The floor: createLoadBalancer's activity shape with activities that return at once. SINGLE is five calls in a row
 * (allocate VIP, build, wait, plug VIP, update VIP); ACTIVE_STANDBY adds the server group and runs build, wait and
 * plug for two amphorae side by side.
 */
export async function floorCreate(topology: 'SINGLE' | 'ACTIVE_STANDBY'): Promise<number> {
  let calls = 0;
  const call = async () => {
    calls += await instant();
  };
  await call();
  if (topology === 'ACTIVE_STANDBY') await call();
  const branches = topology === 'ACTIVE_STANDBY' ? 2 : 1;
  await Promise.all(
    Array.from({ length: branches }, async () => {
      await call();
      await call();
      await call();
    }),
  );
  await call();
  return calls;
}

/** The least a workflow costs: started, one workflow task, completed. */
export function empty(): Promise<number> {
  return Promise.resolve(0);
}

/** The least a Temporal round trip costs: one workflow, one empty activity. */
export async function hello(): Promise<number> {
  return instant();
}
