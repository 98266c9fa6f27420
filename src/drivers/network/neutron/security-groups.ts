/**
 * The VIP security group `lb-<lbId>`: made once when the VIP is allocated, carried by every amphora base port, opening
 * the listener ports (updateVip) and VRRP between the amphorae of an active/standby pair (plugVip).
 *
 * Neutron does not keep names unique, so two find-or-creates that run at once make two groups. The description,
 * `OWNED_DESCRIPTION`, is the mark of ours: only groups carrying it are used, updated or deleted, and when there are
 * several, the oldest is the one every caller picks.
 */
import { OWNED_DESCRIPTION } from '../../../models';
import { goneIsDone, statusOf } from '../../openstack/errors';
import type { UpdateVipRequest } from '../driver';
import type { NeutronSecurityGroup, NeutronSecurityGroupRule } from './schemas';
import type { NeutronStep } from './step';

/**
 * IP protocol 112 (VRRP), which keepalived speaks between MASTER and BACKUP. Octavia also opens 51 (AH) when
 * keepalived authenticates with AH; our amphorae do not use AH, so 51 is not opened.
 */
const VRRP_PROTOCOL = '112';

const oldestFirst = (a: NeutronSecurityGroup, b: NeutronSecurityGroup) =>
  (a.created_at ?? '').localeCompare(b.created_at ?? '') || a.id.localeCompare(b.id);

/** The security groups with exactly this name that this service made, oldest first. */
export async function ownedSecurityGroups(step: NeutronStep, name: string): Promise<NeutronSecurityGroup[]> {
  const groups = await step.run(() => step.neutron.listSecurityGroups(name));
  return groups.filter((group) => group.name === name && group.description === OWNED_DESCRIPTION).sort(oldestFirst);
}

/**
 * The VIP security group: the oldest of ours with this name, or a new one. Should a concurrent caller have made one
 * too, the extra groups are deleted (an extra that a port already uses stays, and goes with `deallocateVip`).
 * Idempotent by name.
 */
export async function ensureVipSecurityGroup(step: NeutronStep, name: string): Promise<NeutronSecurityGroup> {
  let groups = await ownedSecurityGroups(step, name);
  if (groups.length === 0) {
    const made = await step.run(() => step.neutron.createSecurityGroup(name, OWNED_DESCRIPTION));
    // Look again: a concurrent caller may have made one as well, and both must settle on the same group.
    groups = await ownedSecurityGroups(step, name);
    if (!groups.some((group) => group.id === made.id)) groups = [...groups, made].sort(oldestFirst);
  }
  const [kept, ...extras] = groups;
  if (!kept) throw step.fail(`security group ${name} could not be found or made`, true);
  for (const extra of extras) await deleteUnusedSecurityGroup(step, extra.id);
  return kept;
}

/** Deletes a group unless a port uses it (Neutron's 409 SecurityGroupInUse); gone is done. */
async function deleteUnusedSecurityGroup(step: NeutronStep, groupId: string): Promise<void> {
  await step.run(async () => {
    try {
      await goneIsDone(step.neutron.deleteSecurityGroup(groupId));
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
    }
  });
}

/** Deletes every group of ours with this name; gone is done. A group still in use is a retryable failure. */
export async function deleteVipSecurityGroups(step: NeutronStep, name: string): Promise<void> {
  for (const group of await ownedSecurityGroups(step, name)) await deleteSecurityGroupById(step, group.id);
}

/** Deletes one security group; gone is done. A group still in use is a retryable failure. */
export async function deleteSecurityGroupById(step: NeutronStep, groupId: string): Promise<void> {
  await step.run(() => goneIsDone(step.neutron.deleteSecurityGroup(groupId)), {
    // In use: a port still carries it, typically an amphora base port whose unplug has not finished.
    conflict: (message, options) => step.error(`${message}; a port still uses it`, { ...options, retryable: true }),
  });
}

const isVrrpRule = (rule: NeutronSecurityGroupRule) =>
  rule.direction === 'ingress' && (rule.protocol === VRRP_PROTOCOL || rule.protocol?.toLowerCase() === 'vrrp');

/** Creates a rule; one that exists already (409 SecurityGroupRuleExists, a concurrent caller made it) is fine. */
async function createRule(step: NeutronStep, rule: Record<string, unknown>): Promise<void> {
  await step.run(async () => {
    try {
      await step.neutron.createSecurityGroupRule(rule);
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
    }
  });
}

/**
 * Lets VRRP (IP protocol 112) in from the ports of the group itself, that is from the other amphora's base port, as
 * Octavia does for ACTIVE_STANDBY. Idempotent.
 */
export async function ensureVrrpRule(
  step: NeutronStep,
  group: NeutronSecurityGroup,
  ethertype: 'IPv4' | 'IPv6',
): Promise<void> {
  const present = group.security_group_rules.some(
    (rule) => isVrrpRule(rule) && rule.ethertype === ethertype && rule.remote_group_id === group.id,
  );
  if (present) return;
  await createRule(step, {
    security_group_id: group.id,
    direction: 'ingress',
    ethertype,
    protocol: VRRP_PROTOCOL,
    remote_group_id: group.id,
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
 * is removed, except VRRP's (plugVip manages those). Egress rules (Neutron's defaults) are left alone. Idempotent: a
 * rule that already exists (409) or is already gone (404) is fine.
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
    if (isVrrpRule(rule)) continue;
    const key = listenerKeyOf(rule);
    if (key && wanted.has(key) && rule.ethertype === ethertype && !present.has(key)) {
      present.add(key);
      continue;
    }
    await step.run(() => goneIsDone(step.neutron.deleteSecurityGroupRule(rule.id)));
  }
  for (const [key, listener] of wanted) {
    if (present.has(key)) continue;
    await createRule(step, {
      security_group_id: group.id,
      direction: 'ingress',
      ethertype,
      protocol: listener.protocol.toLowerCase(),
      port_range_min: listener.port,
      port_range_max: listener.port,
    });
  }
}
