import type { Amphora, AmphoraLoadBalancer, AmphoraRole, ListenerPort, Vip } from '../models';
import { amphoraName } from '../models/names';
import { step, undoableStep } from './operation/step';

/**
 * The steps that talk to the agent inside an amphora (the amphora driver), and the VIP ports that follow the
 * listeners. Like `steps.ts`, each is declared once with its undo.
 */

type OfAmphora = { amphora: Amphora };
type WithLoadBalancer = OfAmphora & { loadBalancer: AmphoraLoadBalancer };
type Push = WithLoadBalancer & { previous: AmphoraLoadBalancer };
const label = ({ amphora }: OfAmphora) => `${amphora.role ?? 'STANDALONE'} amphora ${amphoraName(amphora.id)}`;
const role = ({ amphora }: OfAmphora): AmphoraRole => amphora.role ?? 'STANDALONE';

/** Pushes the listeners' configuration; undone by pushing the configuration the amphora ran before. */
export const pushConfiguration = undoableStep({
  activity: 'updateAmphoraListeners',
  name: (input: Push) => `configure listeners on ${role(input)} amphora`,
  summary: (input) => `Push the listener configuration to ${label(input)}`,
  args: ({
    amphora,
    loadBalancer,
  }: OfAmphora & { loadBalancer: AmphoraLoadBalancer; previous: AmphoraLoadBalancer }) => ({
    amphora,
    loadBalancer,
  }),
  undo: {
    activity: 'updateAmphoraListeners',
    resource: (input) => `listener configuration of amphora ${amphoraName(input.amphora.id)}`,
    name: (input) => `restore listeners on ${role(input)} amphora`,
    summary: (input) => `restore the previous listener configuration on ${label(input)}`,
    args: ({ amphora, previous }) => ({ amphora, loadBalancer: previous }),
  },
});

/** A new amphora's first configuration: no undo of its own, the amphora's delete takes it away. */
export const configureNewAmphora = step({
  activity: 'updateAmphoraListeners',
  name: (input: WithLoadBalancer) => `configure listeners on new ${role(input)} amphora`,
  summary: (input) => `Push the listener configuration to new ${label(input)}`,
  args: ({ amphora, loadBalancer }: WithLoadBalancer) => ({ amphora, loadBalancer }),
});

/** Forward only: a new amphora's last steps before it gets its VIP. Undone with the amphora itself. */
export const finalizeAmphora = step({
  activity: 'finalizeAmphora',
  name: (input: OfAmphora) => `finalize ${role(input)} amphora`,
  summary: (input) => `Finalize ${label(input)}`,
  args: ({ amphora }: OfAmphora) => ({ amphora }),
});

/** Tells the agent about the VIP the network driver plugged; undone with the VIP's unplug. */
export const postVipPlug = step({
  activity: 'amphoraPostVipPlug',
  name: (input: WithLoadBalancer) => `configure VIP on ${role(input)} amphora`,
  summary: (input) => `Configure the VIP interface of ${label(input)}`,
  args: ({ amphora, loadBalancer }: WithLoadBalancer) => ({ amphora, loadBalancer }),
});

/** Tells the agent about a member network the network driver plugged; undone by telling it the network went. */
export const postNetworkPlug = undoableStep({
  activity: 'amphoraPostNetworkPlug',
  name: (input: OfAmphora & { networkId: string }) => `configure member network on ${role(input)} amphora`,
  summary: (input) => `Configure the interface on network ${input.networkId} of ${label(input)}`,
  args: ({ amphora, networkId }) => ({ amphora, networkId }),
  undo: {
    activity: 'amphoraPostNetworkUnplug',
    resource: (input) =>
      `interface on network ${input.networkId} in the agent of amphora ${amphoraName(input.amphora.id)}`,
    name: (input) => `forget member network on ${role(input)} amphora`,
    summary: (input) => `forget the interface on network ${input.networkId} of ${label(input)}`,
    args: ({ amphora, networkId }) => ({ amphora, networkId }),
  },
});

/** ACTIVE_STANDBY: keepalived's configuration (peer, priority, VIP) and its start. Idempotent; redone by a failover. */
export const startVrrp = step({
  activity: 'startVrrp',
  name: (input: WithLoadBalancer) => `start VRRP on ${role(input)} amphora`,
  summary: (input) => `Configure and start keepalived on ${label(input)}`,
  args: ({ amphora, loadBalancer }: WithLoadBalancer) => ({ amphora, loadBalancer }),
});

/** ACTIVE_STANDBY failover: the surviving peer's keepalived learns the replacement; undone by teaching it the old one. */
export const updatePeerVrrp = undoableStep({
  activity: 'startVrrp',
  name: (input: Push) => `update VRRP on peer ${role(input)} amphora`,
  summary: (input) => `Point keepalived on ${label(input)} at the replacement`,
  args: ({ amphora, loadBalancer }) => ({ amphora, loadBalancer }),
  undo: {
    activity: 'startVrrp',
    resource: (input) => `keepalived configuration of amphora ${amphoraName(input.amphora.id)}`,
    name: (input) => `restore VRRP on peer ${role(input)} amphora`,
    summary: (input) => `point keepalived on ${label(input)} back at the old amphora`,
    args: ({ amphora, previous }) => ({ amphora, loadBalancer: previous }),
  },
});

/** Opens the listeners' ports on the VIP's security group; undone by opening the previous ports again. */
export const openListenerPorts = undoableStep({
  activity: 'updateVip',
  name: () => 'open listener ports',
  summary: ({
    listenerPorts,
  }: {
    loadBalancerId: string;
    vip: Vip;
    listenerPorts: ListenerPort[];
    previous: ListenerPort[];
  }) => `Open ports ${listenerPorts.map((p) => `${p.protocol}/${p.port}`).join(', ') || '(none)'} on the VIP`,
  args: ({ loadBalancerId, vip, listenerPorts }) => ({ loadBalancerId, vip, listenerPorts }),
  undo: {
    activity: 'updateVip',
    resource: ({ loadBalancerId }) => `VIP security group rules of load balancer ${loadBalancerId}`,
    name: () => 'restore listener ports',
    summary: ({ previous }) => `restore ports ${previous.map((p) => `${p.protocol}/${p.port}`).join(', ') || '(none)'}`,
    args: ({ loadBalancerId, vip, previous }) => ({ loadBalancerId, vip, listenerPorts: previous }),
  },
});

/** The member subnets' networks, as a local activity (nullipotent). */
export const findMemberNetworks = step({
  activity: 'memberNetworks',
  mode: 'read',
  name: () => 'find member networks',
  summary: ({ subnetIds }: { subnetIds: string[] }) => `Find the networks of subnets ${subnetIds.join(', ')}`,
  args: (input) => input,
});
