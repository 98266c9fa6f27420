import type { DeleteLoadBalancerInput, LoadBalancer } from '../models';
import { Operation } from './operation/operation';
import { allToTheEnd } from './parallel';
import { deallocateVip, deleteAmphora, deleteServerGroup, unplugVipFromAll } from './steps';

/**
 * Deletes a load balancer, forward only: unplug the VIP -> deallocate it -> delete the amphorae -> delete the server
 * group -> DELETED. Every step is idempotent (what is already gone is success), so when a step runs out of retries
 * the load balancer goes to ERROR and a second delete finishes the job. A VIP port the user supplied is kept.
 *
 * @returns the record, DELETED.
 */
export async function deleteLoadBalancer(request: DeleteLoadBalancerInput): Promise<LoadBalancer> {
  const { op, input } = await Operation.begin('delete', request);
  const { amphoraTemplate: _template, ...lb } = input.loadBalancer;
  const loadBalancerId = lb.id;
  op.status.vip = lb.vip;
  lb.amphorae.forEach((amphora) => op.progress.putAmphora({ ...amphora, status: 'PENDING_DELETE' }));
  return op.forwardOnly('Delete it again to finish: every delete step is idempotent.', async () => {
    if (lb.amphorae.length > 0) {
      await op.run(unplugVipFromAll, { loadBalancerId, amphoraIds: lb.amphorae.map((amphora) => amphora.id) });
    }
    await op.run(deallocateVip, { loadBalancerId, vip: lb.vip });
    await allToTheEnd(
      lb.amphorae.map((amphora) => async () => {
        const { id: amphoraId, computeId, role = 'STANDALONE' } = amphora;
        await op.run(deleteAmphora, { amphoraId, role, computeId });
        op.progress.putAmphora({ ...amphora, status: 'DELETED' });
      }),
    );
    if (lb.topology === 'ACTIVE_STANDBY' || lb.serverGroupId) {
      await op.run(deleteServerGroup, { loadBalancerId, serverGroupId: lb.serverGroupId });
    }
    op.progress.setStatus('DELETED', 'OFFLINE');
    return {
      ...lb,
      provisioningStatus: 'DELETED',
      operatingStatus: 'OFFLINE',
      amphorae: lb.amphorae.map((amphora) => ({ ...amphora, status: 'DELETED' as const })),
      updatedAt: new Date().toISOString(),
    };
  });
}
