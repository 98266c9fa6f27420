/** The health bench's load balancers: made through the controller as an operator would, then watched from outside. */
import type { Client } from '@temporalio/client';
import { LoadBalancerIdAttribute } from '../contracts';
import type { AmphoraStatus, ProvisioningStatus, Timing } from '../models';
import { benchRequest } from './context';
import type { HealthBed } from './health-bed';
import { HEALTH_SETTINGS } from './health-settings';

/** Polls `check` every `everyMs` until it returns a value; throws, naming `what`, after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`health bench: gave up after ${timeoutMs} ms waiting for ${what}`);
    await pause(everyMs);
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits two of the manager's looks: new settings have reached it, and it has looked with them. */
export const settle = () => pause(2 * HEALTH_SETTINGS.checkIntervalMs);

/** One SINGLE load balancer's amphora, as the controller's list shows it. */
export interface ServingAmphora {
  loadBalancerId: string;
  amphoraId: string;
  status: AmphoraStatus;
  provisioningStatus: ProvisioningStatus;
}

export const amphoraIds = (amphorae: readonly ServingAmphora[]) => amphorae.map((amphora) => amphora.amphoraId);

/** Every live load balancer's first amphora (the bench's are SINGLE), from the entities' memos. */
export async function servingAmphorae(bed: HealthBed): Promise<ServingAmphora[]> {
  return (await bed.controller.list()).flatMap((lb) =>
    lb.amphorae.slice(0, 1).map((amphora) => ({
      loadBalancerId: lb.id,
      amphoraId: amphora.id,
      status: amphora.status,
      provisioningStatus: lb.provisioningStatus,
    })),
  );
}

/**
 * Creates `count` SINGLE load balancers through the controller, at most `inFlight` still being built at a time (so
 * the manager's looks are not starved while they are made), and waits until all are ACTIVE and the manager watches
 * every amphora.
 */
export async function createFleet(bed: HealthBed, count: number, timing: Timing, inFlight = 100): Promise<void> {
  const activeQuery = `WorkflowType = 'loadBalancerEntity' AND ProvisioningStatus = 'ACTIVE'`;
  const active = async () => (await bed.client.workflow.count(activeQuery)).count;
  let started = 0;
  while (started < count) {
    const room = Math.min(count - started, inFlight - (started - (await active())));
    if (room <= 0) {
      await pause(250);
      continue;
    }
    await Promise.all(Array.from({ length: room }, () => bed.controller.create(benchRequest(timing))));
    started += room;
  }
  await until(`${count} load balancers ACTIVE`, async () => ((await active()) >= count ? true : undefined), 600_000);
  await until(
    `the health manager to watch ${count} amphorae`,
    async () => ((await bed.status()).watched >= count ? true : undefined),
    60_000,
  );
}

/** One failoverAmphora workflow, as visibility shows it. */
export interface FailoverRun {
  loadBalancerId: string;
  startMs: number;
  closeMs?: number;
  status: string;
}

/** Every failoverAmphora workflow the server holds (each is one entity's child: one failover of one amphora). */
export async function failoverRuns(client: Client): Promise<FailoverRun[]> {
  const runs: FailoverRun[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowType = 'failoverAmphora'` })) {
    runs.push({
      loadBalancerId: execution.typedSearchAttributes.get(LoadBalancerIdAttribute) ?? '',
      startMs: execution.startTime.getTime(),
      closeMs: execution.closeTime?.getTime(),
      status: execution.status.name,
    });
  }
  return runs;
}
