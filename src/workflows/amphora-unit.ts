import type { Amphora, AmphoraRole, AmphoraTemplate, Vip } from '../models';
import { amphoraName, vrrpPortName } from '../models/names';
import type { Progress } from './progress';
import type { Saga } from './saga';
import type { StepRunner } from './steps';

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
 * Each non-nullipotent step registers its undo on `saga` first; the caller decides when to undo.
 */
export async function createAmphoraWithVipSteps(
  steps: StepRunner,
  saga: Saga,
  progress: Progress,
  request: AmphoraUnitRequest,
): Promise<Amphora> {
  const { loadBalancerId, amphoraId, role, vip } = request;
  const name = amphoraName(amphoraId);
  const timing = steps.settings;
  let computeId: string | undefined;
  progress.putAmphora({ id: amphoraId, loadBalancerId, role, status: 'PENDING_CREATE' });

  saga.register({
    resource: `amphora ${name}`,
    undo: () =>
      steps.undo(`undo: delete ${role} amphora`, `Undo: delete ${role} amphora ${name}`, 'deleteAmphora', {
        amphoraId,
        computeId,
      }),
  });
  computeId = await steps.run(`build ${role} amphora`, `Build ${role} amphora ${name}`, 'buildAmphora', {
    amphoraId,
    template: request.template,
    serverGroupId: request.serverGroupId,
  });
  progress.putAmphora({ id: amphoraId, loadBalancerId, role, computeId, status: 'BOOTING' });

  const instance = await steps.wait(
    `wait for ${role} amphora`,
    `Wait until ${role} amphora ${name} is ACTIVE (${timing.buildPollAttempts} x ${timing.buildPollIntervalMs} ms)`,
    'waitForAmphoraActive',
    { amphoraId, computeId, pollIntervalMs: timing.buildPollIntervalMs, pollAttempts: timing.buildPollAttempts },
  );
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
  progress.putAmphora(booted);

  saga.register({
    resource: `VIP base port ${vrrpPortName(amphoraId)}`,
    undo: () =>
      steps.undo(
        `undo: unplug VIP from ${role} amphora`,
        `Undo: unplug VIP from ${role} amphora ${name}`,
        'unplugVip',
        {
          loadBalancerId,
          amphoraIds: [amphoraId],
        },
      ),
  });
  const plugged = await steps.run(
    `plug VIP into ${role} amphora`,
    `Plug VIP ${vip.ipAddress} into ${role} amphora ${name}`,
    'plugVip',
    { loadBalancerId, vip, amphora: booted },
  );
  const ready: Amphora = { ...plugged, status: 'ALLOCATED' };
  progress.putAmphora(ready);
  return ready;
}
