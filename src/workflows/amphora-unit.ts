import type { Amphora, AmphoraRole, AmphoraTemplate, Vip } from '../models';
import type { Operation } from './operation/operation';
import { buildAmphora, plugVip, waitForAmphora } from './steps';

export interface AmphoraUnitRequest {
  loadBalancerId: string;
  amphoraId: string;
  role: AmphoraRole;
  vip: Vip;
  template: AmphoraTemplate;
  serverGroupId?: string;
}

/**
 * The reusable unit "create amphora with VIP": build the instance, wait until it is ACTIVE, plug the VIP into it.
 * Each step with side effects registers its undo on `op` first; the caller decides when to undo.
 */
export async function createAmphoraWithVipSteps(op: Operation, request: AmphoraUnitRequest): Promise<Amphora> {
  const { loadBalancerId, amphoraId, role, vip, template, serverGroupId } = request;
  const { buildPollIntervalMs: pollIntervalMs, buildPollAttempts: pollAttempts } = op.timing;
  op.progress.putAmphora({ id: amphoraId, loadBalancerId, role, status: 'PENDING_CREATE' });

  const computeId = await op.undoable(buildAmphora, { amphoraId, role, template, serverGroupId });
  op.progress.putAmphora({ id: amphoraId, loadBalancerId, role, computeId, status: 'BOOTING' });

  const instance = await op.run(waitForAmphora, { amphoraId, role, computeId, pollIntervalMs, pollAttempts });
  const booted: Amphora = {
    id: amphoraId,
    loadBalancerId,
    role,
    computeId,
    status: 'BOOTING',
    lbNetworkIp: instance.lbNetworkIp,
    cachedZone: instance.cachedZone,
    imageId: instance.imageId,
    computeFlavor: instance.computeFlavor,
  };
  op.progress.putAmphora(booted);

  const plugged = await op.undoable(plugVip, { loadBalancerId, amphoraId, role, vip, amphora: booted });
  const ready: Amphora = { ...plugged, status: 'ALLOCATED' };
  op.progress.putAmphora(ready);
  return ready;
}
