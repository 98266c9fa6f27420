import { goneIsDone, statusOf } from '../../openstack/errors';
import type { UpdateVipRequest } from '../driver';
import type { NeutronSecurityGroup, NeutronSecurityGroupRule } from './schemas';
import type { NeutronStep } from './step';

/** The security group with exactly this name, if any. */
export async function findSecurityGroup(step: NeutronStep, name: string): Promise<NeutronSecurityGroup | undefined> {
  const groups = await step.run(() => step.neutron.listSecurityGroups(name));
  return groups.find((group) => group.name === name);
}

/** Finds the security group by name, or creates it (idempotent by name: a retry after a lost answer finds it). */
export async function ensureSecurityGroup(step: NeutronStep, name: string): Promise<NeutronSecurityGroup> {
  const existing = await findSecurityGroup(step, name);
  if (existing) return existing;
  return step.run(() => step.neutron.createSecurityGroup(name, 'VIP security group of an amphora-orchestrator LB'));
}

/** Deletes every security group with this name; gone is done. A group still in use is a retryable failure. */
export async function deleteSecurityGroup(step: NeutronStep, name: string): Promise<void> {
  const groups = await step.run(() => step.neutron.listSecurityGroups(name));
  for (const group of groups.filter((candidate) => candidate.name === name)) {
    await deleteSecurityGroupById(step, group.id);
  }
}

/** Deletes one security group; gone is done. A group still in use is a retryable failure. */
export async function deleteSecurityGroupById(step: NeutronStep, groupId: string): Promise<void> {
  await step.run(() => goneIsDone(step.neutron.deleteSecurityGroup(groupId)), {
    // In use: a port still carries it, typically an amphora base port whose unplug has not finished.
    conflict: (message, options) => step.error(`${message}; a port still uses it`, { ...options, retryable: true }),
  });
}

type Listener = NonNullable<UpdateVipRequest['listenerPorts']>[number];

const ruleKey = (protocol: string, port: number) => `${protocol.toLowerCase()}:${port}`;

/** An ingress rule that opens exactly one TCP or UDP port to everyone: the shape this driver manages. */
function listenerKeyOf(rule: NeutronSecurityGroupRule): string | undefined {
  if (rule.direction !== 'ingress' || !rule.protocol || rule.remote_group_id) return undefined;
  if (rule.remote_ip_prefix && !['0.0.0.0/0', '::/0'].includes(rule.remote_ip_prefix)) return undefined;
  if (rule.port_range_min == null || rule.port_range_min !== rule.port_range_max) return undefined;
  return ruleKey(rule.protocol, rule.port_range_min);
}

/**
 * Makes the group's ingress rules open exactly the listener ports: missing rules are added, every other ingress rule
 * is removed. Egress rules (Neutron's defaults) are left alone. Idempotent: a rule that already exists (409) or is
 * already gone (404) is fine.
 */
export async function syncListenerRules(
  step: NeutronStep,
  group: NeutronSecurityGroup,
  listeners: readonly Listener[],
  ethertype: 'IPv4' | 'IPv6',
): Promise<void> {
  const wanted = new Map(listeners.map((listener) => [ruleKey(listener.protocol, listener.port), listener]));
  const present = new Set<string>();
  for (const rule of group.security_group_rules.filter((candidate) => candidate.direction === 'ingress')) {
    const key = listenerKeyOf(rule);
    if (key && wanted.has(key) && rule.ethertype === ethertype && !present.has(key)) {
      present.add(key);
      continue;
    }
    await step.run(() => goneIsDone(step.neutron.deleteSecurityGroupRule(rule.id)));
  }
  for (const [key, listener] of wanted) {
    if (present.has(key)) continue;
    await step.run(async () => {
      try {
        await step.neutron.createSecurityGroupRule({
          security_group_id: group.id,
          direction: 'ingress',
          ethertype,
          protocol: listener.protocol.toLowerCase(),
          port_range_min: listener.port,
          port_range_max: listener.port,
        });
      } catch (err) {
        if (statusOf(err) !== 409) throw err; // SecurityGroupRuleExists: a concurrent update made it
      }
    });
  }
}
