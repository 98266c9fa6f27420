import { ApplicationFailure } from '@temporalio/workflow';
import type { LoadBalancer, MemberNetworkInput } from '../models';
import { amphoraName } from '../models/names';
import { FailureTypes } from './failures';
import { Progress } from './progress';
import { allOrNothing, allToTheEnd, forwardOnlyFailure, rollBack } from './rollback';
import { Saga } from './saga';
import { StepRunner } from './steps';

async function begin(operation: 'plug-network' | 'unplug-network', request: MemberNetworkInput) {
  const progress = Progress.forRequest(operation, request, 'PENDING_UPDATE');
  const input = await progress.validate(
    operation === 'plug-network' ? 'plugMemberNetwork' : 'unplugMemberNetwork',
    request,
  );
  const amphorae = input.loadBalancer.amphorae.map((amphora) => {
    if (!amphora.computeId) {
      throw ApplicationFailure.create({
        type: FailureTypes.notApplicable,
        nonRetryable: true,
        message: `Amphora ${amphora.id} of load balancer ${input.loadBalancer.id} has no compute instance; nothing was changed`,
      });
    }
    progress.putAmphora(amphora);
    return { ...amphora, computeId: amphora.computeId, role: amphora.role ?? 'STANDALONE' };
  });
  if (input.ipAddress && amphorae.length > 1) {
    throw ApplicationFailure.create({
      type: FailureTypes.validation,
      nonRetryable: true,
      message: `Invalid ${operation} request: ipAddress: one address cannot go on ${amphorae.length} amphorae; leave it out`,
    });
  }
  return { progress, input, amphorae, steps: new StepRunner(input.timing, progress) };
}

const done = (lb: LoadBalancer, progress: Progress): LoadBalancer => {
  progress.setStatus('ACTIVE');
  return { ...lb, provisioningStatus: 'ACTIVE', updatedAt: new Date().toISOString() };
};

function recordOf(input: MemberNetworkInput): LoadBalancer {
  const { amphoraTemplate: _template, ...lb } = input.loadBalancer;
  return lb as LoadBalancer;
}

/**
 * Connects every amphora of a load balancer to a member network. All or nothing: if one plug fails, the plugs that
 * succeeded are undone. An amphora already on the network is left as it is (and is not unplugged on undo).
 */
export async function plugMemberNetwork(request: MemberNetworkInput): Promise<LoadBalancer> {
  const { progress, input, amphorae, steps } = await begin('plug-network', request);
  const saga = new Saga();
  try {
    await allOrNothing(
      amphorae.map(({ id, computeId, role }) => async () => {
        const current = await steps.read(
          `check networks of ${role} amphora`,
          `List networks of ${role} amphora ${amphoraName(id)}`,
          'getPluggedNetworks',
          { computeId },
        );
        if (current.some((plug) => plug.networkId === input.networkId)) return;
        saga.register({
          resource: `interface on network ${input.networkId} of amphora ${amphoraName(id)}`,
          undo: () =>
            steps.undo(
              `undo: unplug network from ${role} amphora`,
              `Undo: unplug network ${input.networkId} from ${role} amphora ${amphoraName(id)}`,
              'unplugNetwork',
              {
                computeId,
                networkId: input.networkId,
              },
            ),
        });
        await steps.run(
          `plug network into ${role} amphora`,
          `Plug network ${input.networkId} into ${role} amphora ${amphoraName(id)}`,
          'plugNetwork',
          {
            computeId,
            networkId: input.networkId,
            ipAddress: input.ipAddress,
          },
        );
      }),
    );
    return done(recordOf(request), progress);
  } catch (err) {
    throw await rollBack(progress, saga, steps, err);
  }
}

/**
 * Disconnects every amphora of a load balancer from a member network. Forward only and idempotent: a failure leaves
 * the load balancer in ERROR, and running it again finishes the job.
 */
export async function unplugMemberNetwork(request: MemberNetworkInput): Promise<LoadBalancer> {
  const { progress, input, amphorae, steps } = await begin('unplug-network', request);
  try {
    await allToTheEnd(
      amphorae.map(
        ({ id, computeId, role }) =>
          () =>
            steps.run(
              `unplug network from ${role} amphora`,
              `Unplug network ${input.networkId} from ${role} amphora ${amphoraName(id)}`,
              'unplugNetwork',
              {
                computeId,
                networkId: input.networkId,
                ipAddress: input.ipAddress,
              },
            ),
      ),
    );
    return done(recordOf(request), progress);
  } catch (err) {
    throw forwardOnlyFailure(progress, steps, err, 'Run the unplug again to finish: it is idempotent.');
  }
}
