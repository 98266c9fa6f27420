import type { Amphora, CreateAmphoraInput } from '../models';
import { createAmphoraWithVipSteps } from './amphora-unit';
import { Progress } from './progress';
import { rollBack } from './rollback';
import { Saga } from './saga';
import { StepRunner } from './steps';

/**
 * The unit "create amphora with VIP" on its own: build one amphora, wait until it is ACTIVE, plug the load
 * balancer's VIP into it. On failure or cancel, what it made is undone.
 *
 * @returns the amphora, ALLOCATED, with its VIP addresses.
 */
export async function createAmphoraWithVip(request: CreateAmphoraInput): Promise<Amphora> {
  const progress = Progress.forRequest('create-amphora', request, 'PENDING_CREATE');
  const input = await progress.validate('createAmphoraWithVip', request);
  const steps = new StepRunner(input.timing, progress);
  const saga = new Saga();
  try {
    const amphora = await createAmphoraWithVipSteps(steps, saga, progress, {
      loadBalancerId: input.loadBalancerId,
      amphoraId: input.amphoraId,
      role: input.role,
      vip: input.vip,
      template: input.amphora,
      serverGroupId: input.serverGroupId,
    });
    progress.setStatus('ACTIVE', 'ONLINE');
    return amphora;
  } catch (err) {
    throw await rollBack(progress, saga, steps, err);
  }
}
