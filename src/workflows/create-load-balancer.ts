import { uuid4 } from '@temporalio/workflow';
import type { Amphora, AmphoraRole, CreateLoadBalancerInput, LoadBalancer } from '../models';
import { serverGroupName, vipPortName } from '../models/names';
import { createAmphoraWithVipSteps } from './amphora-unit';
import { Progress } from './progress';
import { allOrNothing, rollBack } from './rollback';
import { Saga } from './saga';
import { StepRunner } from './steps';

/**
 * Creates a load balancer: validate -> allocate VIP -> (ACTIVE_STANDBY: anti-affinity server group) -> build, wait
 * for and plug each amphora (MASTER and BACKUP side by side) -> update the VIP -> ACTIVE.
 *
 * Any failure, a cancel included, undoes every step that ran (newest first) and leaves the load balancer in ERROR
 * with nothing behind; what cannot be undone is named in a ResourcesLeakedError.
 *
 * @returns the load balancer record, ACTIVE and ONLINE.
 */
export async function createLoadBalancer(request: CreateLoadBalancerInput): Promise<LoadBalancer> {
  const progress = Progress.forRequest('create', request, 'PENDING_CREATE');
  const input = await progress.validate('createLoadBalancer', request);
  const { loadBalancerId } = input;
  const steps = new StepRunner(input.timing, progress);
  const saga = new Saga();
  try {
    let vip = undefined as LoadBalancer['vip'];
    saga.register({
      resource: `VIP port ${vipPortName(loadBalancerId)}`,
      undo: () =>
        steps.undo('undo: deallocate VIP', `Undo: deallocate VIP of load balancer ${loadBalancerId}`, 'deallocateVip', {
          loadBalancerId,
          vip,
        }),
    });
    vip = await steps.run('allocate VIP', `Allocate VIP for load balancer ${loadBalancerId}`, 'allocateVip', {
      loadBalancerId,
      projectId: input.projectId,
      vip: input.vip,
    });
    progress.status.vip = vip;
    const allocatedVip = vip;

    let serverGroupId: string | undefined;
    if (input.topology === 'ACTIVE_STANDBY') {
      saga.register({
        resource: `server group ${serverGroupName(loadBalancerId)}`,
        undo: () =>
          steps.undo(
            'undo: delete server group',
            `Undo: delete server group ${serverGroupName(loadBalancerId)}`,
            'deleteServerGroup',
            {
              loadBalancerId,
              serverGroupId,
            },
          ),
      });
      serverGroupId = await steps.run(
        'create server group',
        `Create anti-affinity server group ${serverGroupName(loadBalancerId)}`,
        'createServerGroup',
        { loadBalancerId },
      );
    }

    const roles: AmphoraRole[] = input.topology === 'ACTIVE_STANDBY' ? ['MASTER', 'BACKUP'] : ['STANDALONE'];
    const planned = roles.map((role) => ({ role, amphoraId: uuid4() }));
    const amphorae: Amphora[] = await allOrNothing(
      planned.map(
        ({ role, amphoraId }) =>
          () =>
            createAmphoraWithVipSteps(steps, saga, progress, {
              loadBalancerId,
              amphoraId,
              role,
              vip: allocatedVip,
              template: input.amphora,
              serverGroupId,
            }),
      ),
    );

    // No undo of its own: the security group it updates goes with the VIP (deallocateVip).
    await steps.run('update VIP', `Update VIP security group of load balancer ${loadBalancerId}`, 'updateVip', {
      loadBalancerId,
      vip: allocatedVip,
      listenerPorts: input.listenerPorts,
    });

    progress.setStatus('ACTIVE', 'ONLINE');
    return {
      id: loadBalancerId,
      projectId: input.projectId,
      name: input.name,
      description: input.description,
      provisioningStatus: 'ACTIVE',
      operatingStatus: 'ONLINE',
      topology: input.topology,
      vip: allocatedVip,
      amphorae,
      serverGroupId,
      flavorId: input.flavorId,
      availabilityZone: input.amphora.availabilityZone,
      tags: input.tags,
      createdAt: Progress.startedAt(),
      updatedAt: new Date().toISOString(),
    };
  } catch (err) {
    throw await rollBack(progress, saga, steps, err);
  }
}
