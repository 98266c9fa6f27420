import { uuid4 } from '@temporalio/workflow';
import type { FailoverAmphoraInput, LoadBalancer } from '../models';
import { amphoraName } from '../models/names';
import { treeOf } from '../contracts';
import { amphoraLoadBalancer, servesListeners } from './amphora-config';
import { pushConfiguration, startVrrp, updatePeerVrrp } from './amphora-steps';
import { createAmphoraWithVipSteps } from './amphora-unit';
import { Operation } from './operation/operation';
import { notApplicable } from './operation/outcome';
import { AMPHORA_DRIVER_PATCH, OLD_AMPHORA_GOES_FIRST_PATCH } from './operation/patches';
import { buildAmphora, deleteAmphora, plugNetwork, prepareFailover, unplugVipFromOld } from './steps';

/**
 * Replaces one amphora of a load balancer: prepare -> build the replacement (same role), plug the VIP and the load
 * balancer's member networks into it -> only then delete the old one and unplug its VIP port. If the replacement cannot be made, it is removed and the old amphora stays
 * in place (the load balancer goes to ERROR so an operator looks).
 *
 * @returns the load balancer record with the replacement in place of the old amphora, ACTIVE.
 */
export async function failoverAmphora(request: FailoverAmphoraInput): Promise<LoadBalancer> {
  const { op, input } = await Operation.begin('failover', request);
  const { amphoraTemplate: template, ...lb } = input.loadBalancer;
  const loadBalancerId = lb.id;
  const old = lb.amphorae.find((amphora) => amphora.id === input.amphoraId);
  const vip = lb.vip;
  if (!old || !vip) {
    op.progress.setStatus(lb.provisioningStatus);
    throw notApplicable(
      !old
        ? `Amphora ${input.amphoraId} is not part of load balancer ${loadBalancerId} (its amphorae: ${lb.amphorae.map((amphora) => amphora.id).join(', ') || 'none'}); nothing was changed`
        : `Load balancer ${loadBalancerId} has no VIP to move; nothing was changed`,
    );
  }
  lb.amphorae.forEach((amphora) => op.progress.putAmphora(amphora));
  op.status.vip = vip;
  const { id: amphoraId, role = 'STANDALONE', computeId } = old;
  const { serverGroupId } = lb;
  const peers = lb.amphorae.filter((amphora) => amphora.id !== amphoraId && amphora.status !== 'PENDING_DELETE');
  const tree = lb.tree ?? treeOf({});
  // The replacement's id is chosen before the first step, and its removal (and the peers' configuration) registered:
  // a rollback at any step then undoes what a worker that died may have done beyond it (Operation.undoAhead).
  const replacementId = op.undoesAheadOfSteps ? uuid4() : undefined;
  if (replacementId) {
    if (lb.topology === 'ACTIVE_STANDBY' && op.takesPatch(AMPHORA_DRIVER_PATCH)) {
      const before = amphoraLoadBalancer(lb, vip, tree);
      for (const peer of peers) {
        const restore = { amphora: peer, loadBalancer: before, previous: before };
        op.undoAhead(updatePeerVrrp, restore);
        if (servesListeners(tree)) op.undoAhead(pushConfiguration, restore);
      }
    }
    op.undoAhead(buildAmphora, { amphoraId: replacementId, role, template, serverGroupId });
  }

  const replacement = await op.undoOnFailure(async () => {
    await op.run(prepareFailover, { amphoraId, role, amphora: old });
    const built = await createAmphoraWithVipSteps(op, {
      loadBalancerId,
      amphoraId: replacementId ?? uuid4(),
      role,
      vip,
      template,
      serverGroupId,
      serving: {
        projectId: lb.projectId,
        topology: lb.topology,
        adminStateUp: lb.adminStateUp,
        tree,
        peers,
        memberNetworkIds: lb.memberNetworkIds,
      },
    });
    // The replacement serves the same members as the amphora it replaces (the unit plugs their networks before it
    // configures the listeners; histories from before it did so here).
    const driven = op.takesPatch(AMPHORA_DRIVER_PATCH);
    for (const networkId of driven ? [] : (lb.memberNetworkIds ?? [])) {
      await op.undoable(plugNetwork, { amphoraId: built.id, role, computeId: built.computeId ?? '', networkId });
    }
    if (lb.topology === 'ACTIVE_STANDBY' && driven) {
      // The peer's haproxy peers and keepalived's unicast peer name the replacement from now on; a rollback gives the
      // peer back its configuration with the old amphora.
      const before = amphoraLoadBalancer(lb, vip, tree);
      const after = amphoraLoadBalancer(lb, vip, tree, [...peers, built]);
      for (const peer of peers) {
        if (servesListeners(tree)) {
          await op.undoable(pushConfiguration, { amphora: peer, loadBalancer: after, previous: before });
        }
        await op.undoable(updatePeerVrrp, { amphora: peer, loadBalancer: after, previous: before });
      }
      await op.run(startVrrp, { amphora: built, loadBalancer: after });
    }
    return built;
  });

  // Forward only from here: the replacement carries the VIP, so the old amphora is removed, never restored.
  await op.forwardOnly(
    `The replacement ${amphoraName(replacement.id)} is serving; the old amphora ${amphoraName(amphoraId)} stays listed as PENDING_DELETE, and deleting the load balancer removes it.`,
    async () => {
      op.progress.putAmphora({ ...old, status: 'PENDING_DELETE' });
      if (op.takesPatch(OLD_AMPHORA_GOES_FIRST_PATCH)) {
        // The amphora goes before its VIP port: its shutdown lets keepalived hand the VIP over at once (a priority-0
        // advert), where a port unplugged first cuts it off and its peer waits out the master-down timer (about 3 s).
        await op.run(deleteAmphora, { amphoraId, role, computeId, old: true });
        await op.run(unplugVipFromOld, { loadBalancerId, amphoraId, role });
      } else {
        await op.run(unplugVipFromOld, { loadBalancerId, amphoraId, role });
        await op.run(deleteAmphora, { amphoraId, role, computeId, old: true });
      }
    },
  );
  op.progress.dropAmphora(amphoraId);
  op.progress.setStatus('ACTIVE', 'ONLINE');
  return {
    ...lb,
    provisioningStatus: 'ACTIVE',
    operatingStatus: 'ONLINE',
    amphorae: lb.amphorae.map((amphora) => (amphora.id === amphoraId ? replacement : amphora)),
    updatedAt: new Date().toISOString(),
  };
}
