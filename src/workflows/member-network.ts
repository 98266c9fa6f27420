import { ApplicationFailure } from '@temporalio/workflow';
import { FailureTypes } from '../contracts';
import type { LoadBalancer, MemberNetworkInput } from '../models';
import { Operation } from './operation/operation';
import { notApplicable } from './operation/outcome';
import { allToTheEnd } from './parallel';
import { listNetworks, plugNetwork, unplugNetwork } from './steps';

/** Starts a plug or unplug: validates the request, and checks that every amphora has an instance to plug. */
async function begin(operation: 'plug-network' | 'unplug-network', request: MemberNetworkInput) {
  const { op, input } = await Operation.begin(operation, request);
  const { amphoraTemplate: _template, ...lb } = input.loadBalancer;
  const amphorae = lb.amphorae.map((amphora) => {
    if (!amphora.computeId) {
      throw notApplicable(
        `Amphora ${amphora.id} of load balancer ${lb.id} has no compute instance; nothing was changed`,
      );
    }
    op.progress.putAmphora(amphora);
    return { amphoraId: amphora.id, computeId: amphora.computeId, role: amphora.role ?? 'STANDALONE' };
  });
  if (input.ipAddress && amphorae.length > 1) {
    throw ApplicationFailure.create({
      type: FailureTypes.validation,
      nonRetryable: true,
      message: `Invalid ${operation} request: ipAddress: one address cannot go on ${amphorae.length} amphorae; leave it out`,
    });
  }
  const { networkId, ipAddress } = input;
  const others = (lb.memberNetworkIds ?? []).filter((known) => known !== networkId);
  // The record says which member networks every amphora has, so that a failover plugs them into the replacement.
  const memberNetworkIds = operation === 'plug-network' ? [...others, networkId] : others;
  const done = (): LoadBalancer => {
    op.progress.setStatus('ACTIVE');
    return { ...lb, memberNetworkIds, provisioningStatus: 'ACTIVE', updatedAt: new Date().toISOString() };
  };
  return { op, done, plugs: amphorae.map((amphora) => ({ ...amphora, networkId, ipAddress })) };
}

/**
 * Connects every amphora of a load balancer to a member network. All or nothing: if one plug fails, the plugs that
 * succeeded are undone. An amphora already on the network is left as it is (and is not unplugged on undo).
 */
export async function plugMemberNetwork(request: MemberNetworkInput): Promise<LoadBalancer> {
  const { op, done, plugs } = await begin('plug-network', request);
  return op.undoOnFailure(async () => {
    await op.allOrNothing(
      plugs.map((plug) => async () => {
        const current = await op.run(listNetworks, plug);
        if (!current.some((attached) => attached.networkId === plug.networkId)) await op.undoable(plugNetwork, plug);
      }),
    );
    return done();
  });
}

/**
 * Disconnects every amphora of a load balancer from a member network. Forward only and idempotent: a failure leaves
 * the load balancer in ERROR, and running it again finishes the job.
 */
export async function unplugMemberNetwork(request: MemberNetworkInput): Promise<LoadBalancer> {
  const { op, done, plugs } = await begin('unplug-network', request);
  return op.forwardOnly('Run the unplug again to finish: it is idempotent.', async () => {
    await allToTheEnd(plugs.map((plug) => () => op.run(unplugNetwork, plug)));
    return done();
  });
}
