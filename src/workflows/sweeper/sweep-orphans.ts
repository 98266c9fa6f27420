import { proxyActivities, setHandler, sleep, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { describeFailure, sweepStatusQuery, type LiveSet, type OwnedResource, type SweepReport } from '../../contracts';
import type { SweepOrphansInput } from '../../models';
import { validateInput } from '../operation/validate';
import { classify, removalOrder, resourceKey } from './orphans';

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
 * Finds and removes what this service created and nothing live accounts for: instances `amphora-<uuid>`, ports
 * `octavia-lb-<uuid>` and `octavia-lb-vrrp-<uuid>` (VIP ports and amphora base ports), server groups
 * `octavia-lb-<uuid>` and VIP security groups `lb-<uuid>`, each only when it also carries the mark this service sets
 * at create (server metadata, port and security group description; server groups: the service's own project). What
 * has such a name without the mark, a tenant's or a neighbouring Octavia's, is never touched.
 *
 * Live means held by a running workflow that carries the `LoadBalancerId` search attribute: its load balancer's VIP
 * port, security group and server group, and the amphorae (with their base ports) its `status` query lists. The
 * sweep looks twice, `graceMs` apart (a durable timer), and removes only what was orphaned both times (by id, so a
 * new resource that took an old name is spared); every delete is idempotent. A dry run reports and removes nothing.
 *
 * @returns the report, which the `status` query also answers while the sweep runs; every orphan in it says why it is
 *   ours (`reason`).
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
  const input = await validateInput('sweepOrphans', request);
  report.dryRun = input.dryRun;
  report.graceMs = input.graceMs;

  const look = async (which: 'first' | 'second') => {
    // Resources first, then workflows: a workflow still running after the resources were listed holds whatever of
    // theirs it had made, and one that starts later cannot have made any of them.
    const owned = await call(looks, 'listOwnedResources', `List resources of ours (${which} look)`);
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
