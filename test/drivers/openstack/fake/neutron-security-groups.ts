import { randomUUID } from 'node:crypto';
import { neutronFault, objectField, type Reply, type RequestContext, text } from './http';
import { PROJECT_ID, type FakeRule, type FakeSecurityGroup, type FakeState } from './state';

/**
 * Neutron's security groups and their rules. As in Neutron, names are not unique: two groups may share one, which is
 * why a find-or-create by name that runs twice at once makes two.
 */

export const groupView = (group: FakeSecurityGroup) => ({
  id: group.id,
  name: group.name,
  description: group.description,
  project_id: PROJECT_ID,
  tenant_id: PROJECT_ID,
  security_group_rules: group.rules,
  stateful: true,
  created_at: group.createdAt,
  updated_at: group.createdAt,
  revision_number: 1,
  tags: [],
});

export function createGroup(state: FakeState, ctx: RequestContext): Reply {
  const body = objectField(ctx.body, 'security_group', (message) => neutronFault(400, 'HTTPBadRequest', message));
  const id = randomUUID();
  const egress = (ethertype: string): FakeRule => ({
    id: randomUUID(),
    security_group_id: id,
    direction: 'egress',
    ethertype,
    protocol: null,
    port_range_min: null,
    port_range_max: null,
    remote_ip_prefix: null,
    remote_group_id: null,
  });
  const group: FakeSecurityGroup = {
    id,
    name: text(body.name),
    description: text(body.description),
    rules: [egress('IPv4'), egress('IPv6')],
    createdAt: new Date(Date.now() + state.nextSeq()).toISOString(),
  };
  state.securityGroups.set(id, group);
  return { status: 201, body: { security_group: groupView(group) } };
}

export function deleteGroup(state: FakeState, id: string): Reply {
  const group = state.securityGroups.get(id);
  if (!group) throw neutronFault(404, 'SecurityGroupNotFound', `Security group ${id} does not exist`);
  if (group.name === 'default')
    throw neutronFault(
      409,
      'SecurityGroupCannotRemoveDefault',
      'Insufficient rights for removing default security group.',
    );
  if ([...state.ports.values()].some((port) => port.securityGroups.includes(id))) {
    throw neutronFault(409, 'SecurityGroupInUse', `Security Group ${id} in use.`);
  }
  state.securityGroups.delete(id);
  return { status: 204 };
}

export function createRule(state: FakeState, ctx: RequestContext): Reply {
  const body = objectField(ctx.body, 'security_group_rule', (message) => neutronFault(400, 'HTTPBadRequest', message));
  const group = state.securityGroups.get(String(body.security_group_id));
  if (!group)
    throw neutronFault(404, 'SecurityGroupNotFound', `Security group ${String(body.security_group_id)} does not exist`);
  const remoteGroupId = (body.remote_group_id as string | undefined) ?? null;
  if (remoteGroupId !== null && !state.securityGroups.has(remoteGroupId))
    throw neutronFault(404, 'SecurityGroupNotFound', `Security group ${remoteGroupId} does not exist`);
  const rule: FakeRule = {
    id: randomUUID(),
    security_group_id: group.id,
    direction: String(body.direction),
    ethertype: text(body.ethertype, 'IPv4'),
    // Neutron takes a name or a number (`112`) and answers with a string.
    protocol:
      body.protocol === undefined || body.protocol === null
        ? null
        : typeof body.protocol === 'number'
          ? String(body.protocol)
          : text(body.protocol),
    port_range_min: (body.port_range_min as number | undefined) ?? null,
    port_range_max: (body.port_range_max as number | undefined) ?? null,
    remote_ip_prefix: (body.remote_ip_prefix as string | undefined) ?? null,
    remote_group_id: remoteGroupId,
  };
  const same = group.rules.find((existing) =>
    (
      [
        'direction',
        'ethertype',
        'protocol',
        'port_range_min',
        'port_range_max',
        'remote_ip_prefix',
        'remote_group_id',
      ] as const
    ).every((key) => existing[key] === rule[key]),
  );
  if (same)
    throw neutronFault(409, 'SecurityGroupRuleExists', `Security group rule already exists. Rule id is ${same.id}.`);
  group.rules.push(rule);
  return { status: 201, body: { security_group_rule: rule } };
}

export function deleteRule(state: FakeState, id: string): Reply {
  for (const group of state.securityGroups.values()) {
    const before = group.rules.length;
    group.rules = group.rules.filter((rule) => rule.id !== id);
    if (group.rules.length < before) return { status: 204 };
  }
  throw neutronFault(404, 'SecurityGroupRuleNotFound', `Security group rule ${id} does not exist`);
}
