import {
  ActivityFailure,
  ApplicationFailure,
  defineQuery,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities, ValidInput } from '../activities';
import type { SweepOrphansInput } from '../models';
import {
  classify,
  removalOrder,
  resourceKey,
  type LiveSet,
  type OwnedResource,
  type UnansweredWorkflow,
} from '../sweeper/orphans';
import { describeFailure } from './failures';

/** What one look at the cloud and at Temporal found. */
export interface SweepLook {
  at: string;
  owned: number;
  liveLoadBalancers: number;
  liveAmphorae: number;
  orphans: number;
  /** Amphora resources kept because some running workflow did not say which amphorae it holds. */
  undecided: number;
  unanswered: UnansweredWorkflow[];
}

/** The sweep's report: what its `status` query answers while it runs, and what it returns. */
export interface SweepReport {
  dryRun: boolean;
  graceMs: number;
  phase: 'first look' | 'grace' | 'second look' | 'removing' | 'done';
  first?: SweepLook;
  second?: SweepLook;
  /** Orphaned at both looks: what a real sweep removes (or tried to), what a dry run would remove. */
  orphans: OwnedResource[];
  removed: OwnedResource[];
  failed: { resource: OwnedResource; error: string }[];
  /** Orphans beyond `maxRemovals`, left for the next sweep. */
  deferred: OwnedResource[];
}

/** The sweep's `status` query (same name as the load-balancer operations' query, its own answer). */
export const sweepStatusQuery = defineQuery<SweepReport>('status');

const validator = proxyLocalActivities<Pick<Activities, 'validateWorkflowInput'>>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: ['ValidationError'] },
});
const retry = { initialInterval: 1_000, backoffCoefficient: 2, maximumInterval: 30_000 };
const looks = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: '1m',
  retry: { ...retry, maximumAttempts: 5 },
});
const removals = proxyActivities<Activities>({ startToCloseTimeout: '1m', retry: { ...retry, maximumAttempts: 5 } });
/** Removals in flight at once. */
const REMOVAL_CONCURRENCY = 8;

type Call<K extends keyof Activities> = {
  executeWithOptions(options: ActivityOptions, args: Parameters<Activities[K]>): ReturnType<Activities[K]>;
};
function call<K extends keyof Activities>(
  proxy: typeof looks,
  activity: K,
  summary: string,
  ...args: Parameters<Activities[K]>
): ReturnType<Activities[K]> {
  return (proxy[activity] as unknown as Call<K>).executeWithOptions({ summary }, args);
}

/**
 * Finds and removes what this service created and nothing live accounts for: instances `amphora-*`, ports
 * `octavia-lb-*` (VIP ports and amphora base ports), server groups `octavia-lb-*` and VIP security groups `lb-*`.
 *
 * Live means held by a running workflow that carries the `LoadBalancerId` search attribute: its load balancer's VIP
 * port, security group and server group, and the amphorae (with their base ports) its `status` query lists. The
 * sweep looks twice, `graceMs` apart (a durable timer), and removes only what was orphaned both times (by id, so a
 * new resource that took an old name is spared); every delete is idempotent. A dry run reports and removes nothing.
 *
 * @returns the report, which the `status` query also answers while the sweep runs.
 */
export async function sweepOrphans(request: SweepOrphansInput): Promise<SweepReport> {
  const report: SweepReport = {
    dryRun: true,
    graceMs: 0,
    phase: 'first look',
    orphans: [],
    removed: [],
    failed: [],
    deferred: [],
  };
  setHandler(sweepStatusQuery, () => report);
  let input: ValidInput<'sweepOrphans'>;
  try {
    const validate = validator.validateWorkflowInput as unknown as {
      executeWithOptions(
        options: { summary: string },
        args: [{ workflow: 'sweepOrphans'; request: unknown }],
      ): Promise<ValidInput<'sweepOrphans'>>;
    };
    input = await validate.executeWithOptions({ summary: 'Validate the sweepOrphans request' }, [
      { workflow: 'sweepOrphans', request },
    ]);
  } catch (err) {
    throw err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : err;
  }
  report.dryRun = input.dryRun;
  report.graceMs = input.graceMs;

  const look = async (which: 'first' | 'second') => {
    // Resources first, then workflows: a workflow still running after the resources were listed holds whatever of
    // theirs it had made, and one that starts later cannot have made any of them.
    const owned = await call(looks, 'listOwnedResources', `List resources named as ours (${which} look)`);
    const live: LiveSet = await call(looks, 'findLiveLoadBalancers', `Find live load balancers (${which} look)`);
    const found = classify(owned, live);
    report[which] = {
      at: new Date().toISOString(),
      owned: owned.length,
      liveLoadBalancers: live.loadBalancerIds.length,
      liveAmphorae: live.amphoraIds.length,
      orphans: found.orphans.length,
      undecided: found.undecided.length,
      unanswered: live.unanswered,
    };
    return found.orphans;
  };

  const firstOrphans = await look('first');
  report.phase = 'grace';
  if (input.graceMs > 0) await sleep(input.graceMs);
  report.phase = 'second look';
  const seenBefore = new Set(firstOrphans.map(resourceKey));
  const confirmed = (await look('second'))
    .filter((resource) => seenBefore.has(resourceKey(resource)))
    .sort((a, b) => removalOrder(a) - removalOrder(b) || a.name.localeCompare(b.name));
  report.orphans = confirmed;
  if (input.dryRun || confirmed.length === 0) {
    report.phase = 'done';
    return report;
  }

  report.phase = 'removing';
  const now = confirmed.slice(0, input.maxRemovals);
  report.deferred = confirmed.slice(input.maxRemovals);
  // In removal order, one kind of dependency at a time: an instance goes before its ports, ports before their
  // security group.
  for (const order of [...new Set(now.map(removalOrder))]) {
    const batch = now.filter((resource) => removalOrder(resource) === order);
    let next = 0;
    const lane = async () => {
      while (next < batch.length) {
        const resource = batch[next] as OwnedResource;
        next += 1;
        try {
          await call(
            removals,
            'deleteOrphan',
            `Delete orphaned ${resource.kind} ${resource.name} (${resource.id})`,
            resource,
          );
          report.removed.push(resource);
        } catch (err) {
          const { type, message } = describeFailure(err);
          report.failed.push({ resource, error: `${type}: ${message}` });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(REMOVAL_CONCURRENCY, batch.length) }, lane));
  }
  report.phase = 'done';
  return report;
}
