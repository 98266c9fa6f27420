import type { Amphora, CreateAmphoraInput } from '../models';
import { createAmphoraWithVipSteps } from './amphora-unit';
import { Operation } from './operation/operation';

/**
 * The unit "create amphora with VIP" on its own: build one amphora, wait until it is ACTIVE, plug the load
 * balancer's VIP into it. On failure or cancel, what it made is undone.
 *
 * @returns the amphora, ALLOCATED, with its VIP addresses.
 */
export async function createAmphoraWithVip(request: CreateAmphoraInput): Promise<Amphora> {
  const { op, input } = await Operation.begin('create-amphora', request);
  return op.undoOnFailure(async () => {
    const amphora = await createAmphoraWithVipSteps(op, { ...input, template: input.amphora });
    op.progress.setStatus('ACTIVE', 'ONLINE');
    return amphora;
  });
}
