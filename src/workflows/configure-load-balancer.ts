import { samePorts, listenerPortsOf } from '../contracts';
import type { Amphora, ConfigureLoadBalancerInput, LoadBalancerTree } from '../models';
import { amphoraLoadBalancer } from './amphora-config';
import { findMemberNetworks, openListenerPorts, postNetworkPlug, pushConfiguration } from './amphora-steps';
import { Operation } from './operation/operation';
import { notApplicable } from './operation/outcome';
import { listNetworks, plugNetwork } from './steps';

/** What a configuration change leaves for the entity's record. */
export interface ConfigureResult {
  /** The member networks every amphora has now: those it had, and those the new members' subnets needed. */
  memberNetworkIds: string[];
}

/**
 * Applies a change to the objects behind the VIP (Octavia's listener, pool, member, health monitor and L7 flows):
 * plug the networks of new members' subnets into every amphora -> push the new listener configuration to every
 * amphora -> open the listeners' ports on the VIP. All or nothing: a failure pushes the previous configuration back
 * to every amphora, closes the ports again and unplugs the networks it plugged, so the amphorae serve exactly what
 * they served before.
 */
export async function configureLoadBalancer(request: ConfigureLoadBalancerInput): Promise<ConfigureResult> {
  const { op, input } = await Operation.begin('configure', request);
  const { amphoraTemplate: _template, ...lb } = input.loadBalancer;
  const { vip } = lb;
  if (!vip) throw notApplicable(`Load balancer ${lb.id} has no VIP to serve listeners on; nothing was changed`);
  lb.amphorae.forEach((amphora) => op.progress.putAmphora(amphora));
  const serving = lb.amphorae.filter((amphora) => amphora.status !== 'PENDING_DELETE' && amphora.computeId);
  const next = amphoraLoadBalancer(lb, vip, lb.tree);
  const previous = amphoraLoadBalancer(lb, vip, input.previousTree);
  op.status.vip = vip;

  return op.undoOnFailure(async () => {
    const plugged = lb.memberNetworkIds ?? [];
    const needed = await memberNetworksNeeded(op, lb.tree, vip.networkId);
    const added = needed.filter((networkId) => !plugged.includes(networkId));
    for (const networkId of added) {
      await op.allOrNothing(serving.map((amphora) => () => plugMemberNetwork(op, amphora, networkId)));
    }
    await op.allOrNothing(
      serving.map((amphora) => () => op.undoable(pushConfiguration, { amphora, loadBalancer: next, previous })),
    );
    const listenerPorts = listenerPortsOf(lb.tree);
    const previousPorts = listenerPortsOf(input.previousTree);
    if (!samePorts(listenerPorts, previousPorts)) {
      await op.undoable(openListenerPorts, { loadBalancerId: lb.id, vip, listenerPorts, previous: previousPorts });
    }
    op.progress.setStatus('ACTIVE');
    return { memberNetworkIds: [...plugged, ...added] };
  });
}

/** The networks of the members' subnets, other than the VIP's (every amphora has that one). */
async function memberNetworksNeeded(op: Operation, tree: LoadBalancerTree, vipNetworkId: string): Promise<string[]> {
  const subnetIds = [
    ...new Set(
      tree.members
        .filter((member) => member.provisioningStatus !== 'PENDING_DELETE')
        .flatMap((member) => (member.subnetId ? [member.subnetId] : [])),
    ),
  ].sort();
  if (subnetIds.length === 0) return [];
  const networks = await op.run(findMemberNetworks, { subnetIds });
  return [...new Set(Object.values(networks))].filter((networkId) => networkId !== vipNetworkId).sort();
}

/** Plugs a member network into one amphora unless it is there already, and tells the amphora's agent. */
async function plugMemberNetwork(op: Operation, amphora: Amphora, networkId: string): Promise<void> {
  const plug = {
    amphoraId: amphora.id,
    role: amphora.role ?? 'STANDALONE',
    computeId: amphora.computeId ?? '',
    networkId,
  } as const;
  const current = await op.run(listNetworks, plug);
  if (current.some((attached) => attached.networkId === networkId)) return;
  await op.undoable(plugNetwork, plug);
  await op.undoable(postNetworkPlug, { amphora, networkId });
}
