import type { Topology } from '../../src/models';
import { createLoadBalancer, plugMemberNetwork } from '../../src/workflows';
import { recordedCalls } from '../replay/histories';
import { createRequest, startOrchestrator, type Orchestrator } from './orchestrator';

/**
 * Steps that run in parallel branches (one per amphora) are activity tasks, reads included: when one branch fails,
 * the others are cancelled, and sdk-core fails the workflow task if it is asked to cancel a local activity that has
 * finished but was not yet reported. Steps outside branches (a SINGLE load balancer's only amphora) stay local
 * activities, which cost no round trip through the server.
 */

let orchestrator: Orchestrator;
beforeAll(async () => {
  orchestrator = await startOrchestrator();
});
afterAll(async () => {
  await orchestrator.stop();
});

/** The calls a member-network plug made, after a create without faults. */
async function plugCalls(topology: Topology) {
  const { client } = orchestrator.temporal;
  const request = createRequest({ topology });
  const start = { taskQueue: orchestrator.taskQueue };
  const lb = await client.workflow.execute(createLoadBalancer, {
    ...start,
    workflowId: `branch-create-${request.loadBalancerId}`,
    args: [request],
  });
  const handle = await client.workflow.start(plugMemberNetwork, {
    ...start,
    workflowId: `branch-plug-${request.loadBalancerId}`,
    args: [{ loadBalancer: lb, networkId: 'member-net-a', timing: request.timing }],
  });
  await handle.result();
  const calls = recordedCalls((await handle.fetchHistory()).events ?? []);
  return calls.filter((call) => call.activityType !== 'validateWorkflowInput');
}

describe('steps in parallel branches', () => {
  it('run as activity tasks, the read of each amphora too (ACTIVE_STANDBY plug: one branch per amphora)', async () => {
    const calls = await plugCalls('ACTIVE_STANDBY');
    const byType = (type: string) => calls.filter((call) => call.activityType === type);
    expect(byType('getPluggedNetworks')).toHaveLength(2);
    expect(byType('plugNetwork')).toHaveLength(2);
    expect(calls.filter((call) => call.local)).toEqual([]);
  });

  it('outside branches run as local activities (SINGLE plug: one amphora, no branch)', async () => {
    const calls = await plugCalls('SINGLE');
    expect(calls.map(({ activityType, local }) => ({ activityType, local }))).toEqual([
      { activityType: 'getPluggedNetworks', local: true },
      { activityType: 'plugNetwork', local: true },
    ]);
  });
});
