import type { BuildAmphoraInput } from '../activities';
import type { Amphora, AmphoraRole, AntiAffinityPolicy, ListenerPort, Vip, VipRequest } from '../models';
import { amphoraName, serverGroupName, vipPortName, vipSecurityGroupName, vrrpPortName } from '../models/names';
import { step, undoableStep } from './operation/step';

/**
 * Every step the operations run, each declared once with its undo (Octavia's v2 tasks pair `execute` and `revert`
 * the same way). A workflow runs them with `op.undoable(step, input)` or, for a step with no undo, `op.run(step,
 * input)`. Names and summaries are what the status query, the CLI and the Temporal UI show.
 */

type OfLoadBalancer = { loadBalancerId: string };
/** An amphora step: its labels name the amphora's role. */
type OfAmphora = { amphoraId: string; role: AmphoraRole };
type OfMemberNetwork = OfAmphora & { computeId: string; networkId: string; ipAddress?: string };

const amphora = ({ role, amphoraId }: OfAmphora) => `${role} amphora ${amphoraName(amphoraId)}`;

export const allocateVip = undoableStep({
  activity: 'allocateVip',
  name: () => 'allocate VIP',
  summary: ({ loadBalancerId }) => `Allocate VIP for load balancer ${loadBalancerId}`,
  args: (input: OfLoadBalancer & { projectId: string; vip: VipRequest }) => input,
  undo: {
    activity: 'deallocateVip',
    resource: ({ loadBalancerId }) =>
      `VIP port ${vipPortName(loadBalancerId)} and security group ${vipSecurityGroupName(loadBalancerId)}`,
    name: () => 'deallocate VIP',
    summary: ({ loadBalancerId }) => `deallocate VIP of load balancer ${loadBalancerId}`,
    args: ({ loadBalancerId }, vip) => ({ loadBalancerId, vip }),
  },
});

export const createServerGroup = undoableStep({
  activity: 'createServerGroup',
  name: () => 'create server group',
  summary: ({ loadBalancerId, policy }) => `Create ${policy} server group ${serverGroupName(loadBalancerId)}`,
  args: (input: OfLoadBalancer & { policy: AntiAffinityPolicy }) => input,
  undo: {
    activity: 'deleteServerGroup',
    resource: ({ loadBalancerId }) => `server group ${serverGroupName(loadBalancerId)}`,
    name: () => 'delete server group',
    summary: ({ loadBalancerId }) => `delete server group ${serverGroupName(loadBalancerId)}`,
    args: ({ loadBalancerId }, serverGroupId) => ({ loadBalancerId, serverGroupId }),
  },
});

export const buildAmphora = undoableStep({
  activity: 'buildAmphora',
  name: ({ role }) => `build ${role} amphora`,
  summary: (input) => `Build ${amphora(input)}`,
  args: ({ role: _role, ...build }: OfAmphora & BuildAmphoraInput) => build,
  undo: {
    activity: 'deleteAmphora',
    resource: ({ amphoraId }) => `amphora ${amphoraName(amphoraId)}`,
    name: ({ role }) => `delete ${role} amphora`,
    summary: (input) => `delete ${amphora(input)}`,
    args: ({ amphoraId }, computeId) => ({ amphoraId, computeId }),
  },
});

export const waitForAmphora = step({
  activity: 'waitForAmphoraActive',
  mode: 'wait',
  name: ({ role }) => `wait for ${role} amphora`,
  summary: (input) => `Wait until ${amphora(input)} is ACTIVE (${input.pollAttempts} x ${input.pollIntervalMs} ms)`,
  args: ({ role: _role, ...wait }: OfAmphora & { computeId: string; pollIntervalMs: number; pollAttempts: number }) =>
    wait,
});

export const plugVip = undoableStep({
  activity: 'plugVip',
  name: ({ role }) => `plug VIP into ${role} amphora`,
  summary: (input) => `Plug VIP ${input.vip.ipAddress} into ${amphora(input)}`,
  args: ({ loadBalancerId, vip, amphora: target }: OfAmphora & OfLoadBalancer & { vip: Vip; amphora: Amphora }) => ({
    loadBalancerId,
    vip,
    amphora: target,
  }),
  undo: {
    activity: 'unplugVip',
    resource: ({ amphoraId }) => `VIP base port ${vrrpPortName(amphoraId)}`,
    name: ({ role }) => `unplug VIP from ${role} amphora`,
    summary: (input) => `unplug VIP from ${amphora(input)}`,
    args: ({ loadBalancerId, amphoraId }) => ({ loadBalancerId, amphoraIds: [amphoraId] }),
  },
});

/** No undo of its own: the security group it updates goes with the VIP (deallocateVip). */
export const updateVip = step({
  activity: 'updateVip',
  name: () => 'update VIP',
  summary: ({ loadBalancerId }) => `Update VIP security group of load balancer ${loadBalancerId}`,
  args: (input: OfLoadBalancer & { vip: Vip; listenerPorts: ListenerPort[] }) => input,
});

export const prepareFailover = step({
  activity: 'failoverPreparation',
  name: () => 'prepare failover',
  summary: (input) => `Prepare ${amphora(input)} for failover`,
  args: ({ amphora: old }: OfAmphora & { amphora: Amphora }) => ({ amphora: old }),
});

/** Forward only (delete): the VIP leaves every amphora of the load balancer. */
export const unplugVipFromAll = step({
  activity: 'unplugVip',
  name: () => 'unplug VIP',
  summary: ({ loadBalancerId }) => `Unplug VIP from the amphorae of load balancer ${loadBalancerId}`,
  args: (input: OfLoadBalancer & { amphoraIds: string[] }) => input,
});

/** Forward only (delete). A VIP port the user supplied is kept. */
export const deallocateVip = step({
  activity: 'deallocateVip',
  name: () => 'deallocate VIP',
  summary: ({ loadBalancerId }) => `Deallocate VIP of load balancer ${loadBalancerId}`,
  args: (input: OfLoadBalancer & { vip?: Vip }) => input,
});

/** Forward only (delete, and the old amphora in a failover). */
export const deleteAmphora = step({
  activity: 'deleteAmphora',
  name: ({ role, old }) => `delete ${old ? 'old' : role} amphora`,
  summary: (input) => `Delete ${input.old ? 'old ' : ''}${amphora(input)}`,
  args: ({ amphoraId, computeId }: OfAmphora & { computeId?: string; old?: boolean }) => ({ amphoraId, computeId }),
});

/** Forward only (failover): the VIP leaves the amphora being replaced. */
export const unplugVipFromOld = step({
  activity: 'unplugVip',
  name: () => 'unplug VIP from old amphora',
  summary: (input) => `Unplug VIP from old ${amphora(input)}`,
  args: ({ loadBalancerId, amphoraId }: OfAmphora & OfLoadBalancer) => ({ loadBalancerId, amphoraIds: [amphoraId] }),
});

/** Forward only (delete). */
export const deleteServerGroup = step({
  activity: 'deleteServerGroup',
  name: () => 'delete server group',
  summary: ({ loadBalancerId }) => `Delete server group of load balancer ${loadBalancerId}`,
  args: (input: OfLoadBalancer & { serverGroupId?: string }) => input,
});

export const listNetworks = step({
  activity: 'getPluggedNetworks',
  mode: 'read',
  name: ({ role }) => `check networks of ${role} amphora`,
  summary: (input) => `List networks of ${amphora(input)}`,
  args: ({ computeId }: OfAmphora & { computeId: string }) => ({ computeId }),
});

export const plugNetwork = undoableStep({
  activity: 'plugNetwork',
  name: ({ role }) => `plug network into ${role} amphora`,
  summary: (input) => `Plug network ${input.networkId} into ${amphora(input)}`,
  args: ({ computeId, networkId, ipAddress }: OfMemberNetwork) => ({ computeId, networkId, ipAddress }),
  undo: {
    activity: 'unplugNetwork',
    resource: (input) => `interface on network ${input.networkId} of amphora ${amphoraName(input.amphoraId)}`,
    name: ({ role }) => `unplug network from ${role} amphora`,
    summary: (input) => `unplug network ${input.networkId} from ${amphora(input)}`,
    args: ({ computeId, networkId }) => ({ computeId, networkId }),
  },
});

/** Forward only (member network unplug). */
export const unplugNetwork = step({
  activity: 'unplugNetwork',
  name: ({ role }) => `unplug network from ${role} amphora`,
  summary: (input) => `Unplug network ${input.networkId} from ${amphora(input)}`,
  args: ({ computeId, networkId, ipAddress }: OfMemberNetwork) => ({ computeId, networkId, ipAddress }),
});
