import type { DeleteLoadBalancerInput, LoadBalancer } from '../models';
import { amphoraName } from '../models/names';
import { Progress } from './progress';
import { allToTheEnd, forwardOnlyFailure } from './rollback';
import { StepRunner } from './steps';

/**
 * Deletes a load balancer, forward only: unplug the VIP -> deallocate it -> delete the amphorae -> delete the server
 * group -> DELETED. Every step is idempotent (what is already gone is success), so when a step runs out of retries
 * the load balancer goes to ERROR and a second delete finishes the job. A VIP port the user supplied is kept.
 *
 * @returns the record, DELETED.
 */
export async function deleteLoadBalancer(request: DeleteLoadBalancerInput): Promise<LoadBalancer> {
  const progress = Progress.forRequest('delete', request, 'PENDING_DELETE');
  const input = await progress.validate('deleteLoadBalancer', request);
  const lb = input.loadBalancer;
  const loadBalancerId = lb.id;
  const steps = new StepRunner(input.timing, progress);
  progress.status.vip = lb.vip;
  lb.amphorae.forEach((amphora) => progress.putAmphora({ ...amphora, status: 'PENDING_DELETE' }));
  try {
    if (lb.amphorae.length > 0) {
      await steps.run('unplug VIP', `Unplug VIP from the amphorae of load balancer ${loadBalancerId}`, 'unplugVip', {
        loadBalancerId,
        amphoraIds: lb.amphorae.map((amphora) => amphora.id),
      });
    }
    await steps.run('deallocate VIP', `Deallocate VIP of load balancer ${loadBalancerId}`, 'deallocateVip', {
      loadBalancerId,
      vip: lb.vip,
    });
    await allToTheEnd(
      lb.amphorae.map((amphora) => async () => {
        const role = amphora.role ?? 'STANDALONE';
        await steps.run(
          `delete ${role} amphora`,
          `Delete ${role} amphora ${amphoraName(amphora.id)}`,
          'deleteAmphora',
          {
            amphoraId: amphora.id,
            computeId: amphora.computeId,
          },
        );
        progress.putAmphora({ ...amphora, status: 'DELETED' });
      }),
    );
    if (lb.topology === 'ACTIVE_STANDBY' || lb.serverGroupId) {
      await steps.run(
        'delete server group',
        `Delete server group of load balancer ${loadBalancerId}`,
        'deleteServerGroup',
        {
          loadBalancerId,
          serverGroupId: lb.serverGroupId,
        },
      );
    }
    progress.setStatus('DELETED', 'OFFLINE');
    const { amphoraTemplate: _template, ...deleted } = lb;
    return {
      ...deleted,
      provisioningStatus: 'DELETED',
      operatingStatus: 'OFFLINE',
      amphorae: lb.amphorae.map((amphora) => ({ ...amphora, status: 'DELETED' as const })),
      updatedAt: new Date().toISOString(),
    };
  } catch (err) {
    throw forwardOnlyFailure(progress, steps, err, 'Delete it again to finish: every delete step is idempotent.');
  }
}
