import type { Amphora, AmphoraRole, AmphoraTemplate, LoadBalancerTree, Topology, Vip } from '../models';
import { treeOf } from '../contracts';
import { amphoraLoadBalancer, servesListeners } from './amphora-config';
import { configureNewAmphora, finalizeAmphora, postNetworkPlug, postVipPlug } from './amphora-steps';
import type { Operation } from './operation/operation';
import { AMPHORA_DRIVER_PATCH } from './operation/patches';
import { buildAmphora, plugNetwork, plugVip, waitForAmphora } from './steps';

export interface AmphoraUnitRequest {
  loadBalancerId: string;
  amphoraId: string;
  role: AmphoraRole;
  vip: Vip;
  template: AmphoraTemplate;
  serverGroupId?: string;
  /** What the amphora is configured for: its load balancer, the objects behind the VIP, the amphorae beside it. */
  serving?: {
    projectId: string;
    topology: Topology;
    adminStateUp?: boolean;
    tree?: LoadBalancerTree;
    /** The other amphorae that serve the load balancer (ACTIVE_STANDBY: the peer). */
    peers: Amphora[];
    /** Member networks every amphora of the load balancer has: plugged before the listeners are configured. */
    memberNetworkIds?: string[];
  };
}

/**
 * The reusable unit "create amphora with VIP": build the instance, wait until it is ACTIVE, finalize it, plug the VIP
 * into it and configure the VIP's interface, then push the listeners' configuration (when there are listeners), so a
 * replacement serves the same as the amphora it replaces before it takes the VIP. Each step with side effects
 * registers its undo on `op` first (the amphora driver's steps are undone with the amphora); the caller decides
 * when to undo.
 */
export async function createAmphoraWithVipSteps(op: Operation, request: AmphoraUnitRequest): Promise<Amphora> {
  const { loadBalancerId, amphoraId, role, vip, template, serverGroupId } = request;
  const { buildPollIntervalMs: pollIntervalMs, buildPollAttempts: pollAttempts } = op.timing;
  op.progress.putAmphora({ id: amphoraId, loadBalancerId, role, status: 'PENDING_CREATE' });

  // The VIP base port is named after the amphora: a rollback before the plug removes it too, in case a worker that
  // died had plugged it (the amphora's own delete leaves a port it did not make).
  op.undoAhead(plugVip, {
    loadBalancerId,
    amphoraId,
    role,
    vip,
    amphora: { id: amphoraId, loadBalancerId, role, status: 'PENDING_CREATE' },
  });
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

  const driven = op.takesPatch(AMPHORA_DRIVER_PATCH);
  if (driven) await op.run(finalizeAmphora, { amphora: booted });
  const plugged = await op.undoable(plugVip, { loadBalancerId, amphoraId, role, vip, amphora: booted });
  const ready: Amphora = { ...plugged, status: 'ALLOCATED' };
  if (driven) {
    const serving = request.serving ?? { projectId: '', topology: 'SINGLE', peers: [] };
    const tree = serving.tree ?? treeOf({});
    const loadBalancer = amphoraLoadBalancer(
      { id: loadBalancerId, projectId: serving.projectId, topology: serving.topology, amphorae: [] },
      vip,
      tree,
      [...serving.peers, ready],
    );
    await op.run(postVipPlug, { amphora: ready, loadBalancer });
    const computeId = ready.computeId ?? '';
    for (const networkId of serving.memberNetworkIds ?? []) {
      await op.undoable(plugNetwork, { amphoraId, role, computeId, networkId });
      await op.undoable(postNetworkPlug, { amphora: ready, networkId });
    }
    if (servesListeners(tree)) await op.run(configureNewAmphora, { amphora: ready, loadBalancer });
  }
  op.progress.putAmphora(ready);
  return ready;
}
