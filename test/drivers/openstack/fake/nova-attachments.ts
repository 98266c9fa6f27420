import { randomUUID } from 'node:crypto';
import { ApiFault, novaFault, objectField, type Reply, type RequestContext, Router, text } from './http';
import { createServer } from './nova-create';
import { atLeast, serverHandlers, serverOr404, statusOf, type NovaContext } from './nova-servers';
import { PROJECT_ID, USER_ID, type FakePort, type FakeServerGroup } from './state';

const interfaceView = (port: FakePort) => ({
  fixed_ips: port.fixedIps.map((fixedIp) => ({ ip_address: fixedIp.ip_address, subnet_id: fixedIp.subnet_id })),
  mac_addr: port.macAddress,
  net_id: port.networkId,
  port_id: port.id,
  port_state: 'ACTIVE',
});

function attachInterface(nova: NovaContext, ctx: RequestContext): Reply {
  const server = serverOr404(nova, ctx.params.id ?? '');
  const status = statusOf(server);
  if (status !== 'ACTIVE') {
    throw novaFault(
      409,
      `Cannot 'attach_interface' instance ${server.id} while it is in vm_state ${status === 'BUILD' ? 'building' : 'error'}`,
    );
  }
  const body = objectField(ctx.body, 'interfaceAttachment', (message) => novaFault(400, message));
  const { state } = nova;
  if (typeof body.port_id === 'string') {
    const port = state.ports.get(body.port_id);
    if (!port) throw novaFault(404, `Port id ${body.port_id} could not be found.`);
    if (port.deviceId) throw novaFault(409, `Port ${port.id} is still in use.`);
    Object.assign(port, { deviceId: server.id, deviceOwner: 'compute:nova' });
    return { status: 200, body: { interfaceAttachment: interfaceView(port) } };
  }
  const networkId = text(body.net_id);
  if (!state.networks.has(networkId)) throw novaFault(404, `Network ${networkId} could not be found.`);
  const fixedIps = (body.fixed_ips as { ip_address: string }[] | undefined) ?? [];
  try {
    const port = state.createPort(
      { networkId, deviceId: server.id, deviceOwner: 'compute:nova', novaCreated: true },
      fixedIps.map((fixedIp) => ({ ip_address: fixedIp.ip_address })),
    );
    return { status: 200, body: { interfaceAttachment: interfaceView(port) } };
  } catch (err) {
    if (!(err instanceof ApiFault)) throw err;
    if (err.status === 409 && fixedIps[0]) {
      throw novaFault(409, `Fixed IP address ${fixedIps[0].ip_address} is already in use on instance ${server.id}.`);
    }
    throw novaFault(400, `No fixed IP addresses available for network: ${networkId}`);
  }
}

function detachInterface(nova: NovaContext, ctx: RequestContext): Reply {
  const server = serverOr404(nova, ctx.params.id ?? '');
  const port = nova.state.ports.get(ctx.params.portId ?? '');
  if (!port || port.deviceId !== server.id) throw novaFault(404, `Port ${ctx.params.portId} is not attached`);
  // Nova answers at once and detaches in the background.
  port.detachAt ??= Date.now() + nova.config.detachDelayMs;
  return { status: 202 };
}

function groupView(group: FakeServerGroup, ctx: RequestContext) {
  const policy = atLeast(ctx, 64) ? { policy: group.policy, rules: {} } : { policies: [group.policy] };
  return {
    id: group.id,
    name: group.name,
    ...policy,
    members: group.members,
    metadata: {},
    project_id: PROJECT_ID,
    user_id: USER_ID,
  };
}

const POLICIES = ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity'];

function createGroup(nova: NovaContext, ctx: RequestContext): Reply {
  const body = objectField(ctx.body, 'server_group', (message) => novaFault(400, message));
  const modern = atLeast(ctx, 64);
  if (modern && 'policies' in body)
    throw novaFault(400, "Additional properties are not allowed ('policies' was unexpected)");
  if (!modern && 'policy' in body)
    throw novaFault(400, "Additional properties are not allowed ('policy' was unexpected)");
  const policy = modern ? body.policy : (body.policies as unknown[] | undefined)?.[0];
  if (typeof body.name !== 'string' || !body.name)
    throw novaFault(400, "Invalid input for field/attribute name. 'name' is a required property");
  if (typeof policy !== 'string' || !POLICIES.includes(policy)) {
    throw novaFault(400, `Invalid input for field/attribute policies. Value: ${JSON.stringify(policy)}.`);
  }
  const group: FakeServerGroup = { id: randomUUID(), name: body.name, policy, members: [] };
  nova.state.serverGroups.set(group.id, group);
  return { status: 200, body: { server_group: groupView(group, ctx) } };
}

function groupOr404(nova: NovaContext, id: string): FakeServerGroup {
  const group = nova.state.serverGroups.get(id);
  if (!group) throw novaFault(404, `Instance group ${id} could not be found.`);
  return group;
}

/** Nova's routes, below /compute/v2.1. */
export function novaRoutes(nova: NovaContext): Router {
  const portsOf = (ctx: RequestContext) => nova.state.portsOf(serverOr404(nova, ctx.params.id ?? '').id);
  return new Router()
    .add('GET', '/servers', serverHandlers.list(nova))
    .add('GET', '/servers/detail', serverHandlers.detail(nova))
    .add('POST', '/servers', (ctx) => createServer(nova, ctx))
    .add('GET', '/servers/:id', serverHandlers.show(nova))
    .add('DELETE', '/servers/:id', serverHandlers.remove(nova))
    .add('GET', '/servers/:id/os-interface', (ctx) => ({
      status: 200,
      body: { interfaceAttachments: portsOf(ctx).map(interfaceView) },
    }))
    .add('GET', '/servers/:id/os-interface/:portId', (ctx) => {
      const port = portsOf(ctx).find((candidate) => candidate.id === ctx.params.portId);
      if (!port) throw novaFault(404, `Port ${ctx.params.portId} is not attached`);
      return { status: 200, body: { interfaceAttachment: interfaceView(port) } };
    })
    .add('POST', '/servers/:id/os-interface', (ctx) => attachInterface(nova, ctx))
    .add('DELETE', '/servers/:id/os-interface/:portId', (ctx) => detachInterface(nova, ctx))
    .add('GET', '/os-server-groups', (ctx) => {
      // Nova pages server groups by limit/offset (no marker, no links), a page being at most `[api] max_limit` long.
      const offset = Number(ctx.query.get('offset') ?? 0);
      const limit = Math.min(Number(ctx.query.get('limit') ?? nova.config.maxLimit), nova.config.maxLimit);
      const groups = [...nova.state.serverGroups.values()].slice(offset, offset + limit);
      return { status: 200, body: { server_groups: groups.map((group) => groupView(group, ctx)) } };
    })
    .add('POST', '/os-server-groups', (ctx) => createGroup(nova, ctx))
    .add('GET', '/os-server-groups/:id', (ctx) => ({
      status: 200,
      body: { server_group: groupView(groupOr404(nova, ctx.params.id ?? ''), ctx) },
    }))
    .add('DELETE', '/os-server-groups/:id', (ctx) => {
      nova.state.serverGroups.delete(groupOr404(nova, ctx.params.id ?? '').id);
      return { status: 204 };
    });
}
