import { ApplicationFailure, uuid4 } from '@temporalio/workflow';
import type { FailoverAmphoraInput, LoadBalancer } from '../models';
import { amphoraName } from '../models/names';
import { createAmphoraWithVipSteps } from './amphora-unit';
import { FailureTypes } from './failures';
import { Progress } from './progress';
import { forwardOnlyFailure, rollBack } from './rollback';
import { Saga } from './saga';
import { StepRunner } from './steps';

/**
 * Replaces one amphora of a load balancer: prepare -> build the replacement (same role) and plug the VIP into it ->
 * only then unplug and delete the old one. If the replacement cannot be made, it is removed and the old amphora stays
 * in place (the load balancer goes to ERROR so an operator looks).
 *
 * @returns the load balancer record with the replacement in place of the old amphora, ACTIVE.
 */
export async function failoverAmphora(request: FailoverAmphoraInput): Promise<LoadBalancer> {
  const progress = Progress.forRequest('failover', request, 'PENDING_UPDATE');
  const input = await progress.validate('failoverAmphora', request);
  const lb = input.loadBalancer;
  const loadBalancerId = lb.id;
  const old = lb.amphorae.find((amphora) => amphora.id === input.amphoraId);
  const vip = lb.vip;
  if (!old || !vip) {
    progress.setStatus(lb.provisioningStatus);
    throw ApplicationFailure.create({
      type: FailureTypes.notApplicable,
      nonRetryable: true,
      message: !old
        ? `Amphora ${input.amphoraId} is not part of load balancer ${loadBalancerId} (its amphorae: ${lb.amphorae.map((amphora) => amphora.id).join(', ') || 'none'}); nothing was changed`
        : `Load balancer ${loadBalancerId} has no VIP to move; nothing was changed`,
    });
  }
  lb.amphorae.forEach((amphora) => progress.putAmphora(amphora));
  progress.status.vip = vip;
  const steps = new StepRunner(input.timing, progress);
  const saga = new Saga();
  const role = old.role ?? 'STANDALONE';
  let replacement;
  try {
    await steps.run(
      'prepare failover',
      `Prepare ${role} amphora ${amphoraName(old.id)} for failover`,
      'failoverPreparation',
      {
        amphora: old,
      },
    );
    replacement = await createAmphoraWithVipSteps(steps, saga, progress, {
      loadBalancerId,
      amphoraId: uuid4(),
      role,
      vip,
      template: lb.amphoraTemplate,
      serverGroupId: lb.serverGroupId,
    });
  } catch (err) {
    throw await rollBack(progress, saga, steps, err);
  }

  // Forward only from here: the replacement carries the VIP, so the old amphora is removed, never restored.
  try {
    progress.putAmphora({ ...old, status: 'PENDING_DELETE' });
    await steps.run(
      'unplug VIP from old amphora',
      `Unplug VIP from old ${role} amphora ${amphoraName(old.id)}`,
      'unplugVip',
      {
        loadBalancerId,
        amphoraIds: [old.id],
      },
    );
    await steps.run('delete old amphora', `Delete old ${role} amphora ${amphoraName(old.id)}`, 'deleteAmphora', {
      amphoraId: old.id,
      computeId: old.computeId,
    });
  } catch (err) {
    progress.status.leaked = [{ resource: `amphora ${amphoraName(old.id)} (replaced)`, error: 'its removal failed' }];
    throw forwardOnlyFailure(
      progress,
      steps,
      err,
      `The replacement ${amphoraName(replacement.id)} is serving; remove the old amphora by hand or let the orphan sweeper collect it.`,
    );
  }
  progress.status.amphorae = progress.status.amphorae.filter((amphora) => amphora.id !== old.id);
  progress.setStatus('ACTIVE', 'ONLINE');
  const { amphoraTemplate: _template, ...rest } = lb;
  return {
    ...rest,
    provisioningStatus: 'ACTIVE',
    operatingStatus: 'ONLINE',
    amphorae: lb.amphorae.map((amphora) => (amphora.id === old.id ? replacement : amphora)),
    updatedAt: new Date().toISOString(),
  };
}
