import { neutronFault, objectField, page, type Reply, type RequestContext, Router } from './http';
import { createGroup, createRule, deleteGroup, deleteRule, groupView } from './neutron-security-groups';
import { PROJECT_ID, type FakePort, type FakeState } from './state';

export interface NeutronContext {
  state: FakeState;
  /** Neutron's `pagination_max_limit` (none by default: lists are answered whole). */
  maxLimit?: number;
  baseUrl: () => string;
}

export const portView = (port: FakePort) => ({
  id: port.id,
  name: port.name,
  description: port.description,
  network_id: port.networkId,
  tenant_id: PROJECT_ID,
  project_id: PROJECT_ID,
  device_id: port.deviceId,
  device_owner: port.deviceOwner,
  fixed_ips: port.fixedIps,
  mac_address: port.macAddress,
  admin_state_up: port.adminStateUp,
  allowed_address_pairs: port.allowedAddressPairs,
  security_groups: port.securityGroups,
  qos_policy_id: port.qosPolicyId,
  status: port.deviceId ? 'ACTIVE' : 'DOWN',
  binding_vnic_type: 'normal',
  port_security_enabled: true,
  created_at: port.createdAt,
  updated_at: port.createdAt,
  revision_number: 1,
  tags: [],
});

/** Neutron's list filters: every query parameter that names a field must match exactly (repeats mean "any of"). */
function filtered<T extends Record<string, unknown>>(items: T[], query: URLSearchParams): T[] {
  const keys = [...new Set(query.keys())].filter((key) => !['limit', 'marker', 'fields', 'page_reverse'].includes(key));
  return items.filter((item) => keys.every((key) => query.getAll(key).includes(String(item[key]))));
}

function list<T extends { id: string }>(neutron: NeutronContext, ctx: RequestContext, key: string, items: T[]): Reply {
  const all = filtered(items as unknown as Record<string, unknown>[], ctx.query) as unknown as T[];
  const { items: slice, next } = page(
    all,
    ctx.query,
    neutron.maxLimit,
    `${neutron.baseUrl()}/network/v2.0/${key.replace('_', '-')}`,
    (marker) => neutronFault(404, 'NotFound', `Marker ${marker} could not be found.`),
  );
  return { status: 200, body: { [key]: slice, ...(next ? { [`${key}_links`]: [{ rel: 'next', href: next }] } : {}) } };
}

function portOr404(state: FakeState, id: string): FakePort {
  const port = state.ports.get(id);
  if (!port) throw neutronFault(404, 'PortNotFound', `Port ${id} could not be found.`);
  return port;
}

function checkGroups(state: FakeState, ids: unknown): string[] | undefined {
  if (ids === undefined) return undefined;
  for (const id of ids as string[]) {
    if (!state.securityGroups.has(id))
      throw neutronFault(404, 'SecurityGroupNotFound', `Security group ${id} does not exist`);
  }
  return ids as string[];
}

function createPort(state: FakeState, ctx: RequestContext): Reply {
  const body = objectField(ctx.body, 'port', (message) => neutronFault(400, 'HTTPBadRequest', message));
  if (typeof body.network_id !== 'string')
    throw neutronFault(400, 'HTTPBadRequest', "Failed to parse request. Required attribute 'network_id' not specified");
  const port = state.createPort(
    {
      networkId: body.network_id,
      name: typeof body.name === 'string' ? body.name : '',
      description: typeof body.description === 'string' ? body.description : '',
      deviceId: typeof body.device_id === 'string' ? body.device_id : '',
      deviceOwner: typeof body.device_owner === 'string' ? body.device_owner : '',
      adminStateUp: body.admin_state_up !== false,
      allowedAddressPairs: (body.allowed_address_pairs as FakePort['allowedAddressPairs'] | undefined) ?? [],
      ...(body.security_groups !== undefined ? { securityGroups: checkGroups(state, body.security_groups) } : {}),
      qosPolicyId: typeof body.qos_policy_id === 'string' ? body.qos_policy_id : null,
    },
    (body.fixed_ips as { subnet_id?: string; ip_address?: string }[] | undefined) ?? [],
  );
  return { status: 201, body: { port: portView(port) } };
}

function updatePort(state: FakeState, ctx: RequestContext): Reply {
  const port = portOr404(state, ctx.params.id ?? '');
  const body = objectField(ctx.body, 'port', (message) => neutronFault(400, 'HTTPBadRequest', message));
  if (typeof body.name === 'string') port.name = body.name;
  if (typeof body.description === 'string') port.description = body.description;
  if (typeof body.admin_state_up === 'boolean') port.adminStateUp = body.admin_state_up;
  if (Array.isArray(body.allowed_address_pairs))
    port.allowedAddressPairs = body.allowed_address_pairs as FakePort['allowedAddressPairs'];
  if (body.security_groups !== undefined) port.securityGroups = checkGroups(state, body.security_groups) ?? [];
  if (typeof body.device_id === 'string') port.deviceId = body.device_id;
  if (typeof body.device_owner === 'string') port.deviceOwner = body.device_owner;
  return { status: 200, body: { port: portView(port) } };
}

/** Neutron's routes, below /network. */
export function neutronRoutes(neutron: NeutronContext): Router {
  const { state } = neutron;
  const networkView = (id: string) => {
    const network = state.networks.get(id);
    if (!network) throw neutronFault(404, 'NetworkNotFound', `Network ${id} could not be found.`);
    return {
      id: network.id,
      name: network.name,
      subnets: network.subnets,
      project_id: PROJECT_ID,
      status: 'ACTIVE',
      admin_state_up: true,
      mtu: 1450,
      'provider:network_type': 'vxlan',
      'provider:segmentation_id': 1001,
      'router:external': network.routerExternal,
      port_security_enabled: true,
      shared: false,
    };
  };
  return new Router()
    .add('GET', '/v2.0/networks/:id', (ctx) => ({ status: 200, body: { network: networkView(ctx.params.id ?? '') } }))
    .add('GET', '/v2.0/subnets/:id', (ctx) => {
      const subnet = state.subnets.get(ctx.params.id ?? '');
      if (!subnet) throw neutronFault(404, 'SubnetNotFound', `Subnet ${ctx.params.id} could not be found.`);
      const { taken: _taken, networkId, gatewayIp, ...rest } = subnet;
      const view = {
        ...rest,
        network_id: networkId,
        gateway_ip: gatewayIp,
        ip_version: 4,
        host_routes: [],
        project_id: PROJECT_ID,
        enable_dhcp: true,
      };
      return { status: 200, body: { subnet: view } };
    })
    .add('GET', '/v2.0/ports', (ctx) => list(neutron, ctx, 'ports', [...state.ports.values()].map(portView)))
    .add('GET', '/v2.0/ports/:id', (ctx) => ({
      status: 200,
      body: { port: portView(portOr404(state, ctx.params.id ?? '')) },
    }))
    .add('POST', '/v2.0/ports', (ctx) => createPort(state, ctx))
    .add('PUT', '/v2.0/ports/:id', (ctx) => updatePort(state, ctx))
    .add('DELETE', '/v2.0/ports/:id', (ctx) => {
      state.deletePort(portOr404(state, ctx.params.id ?? '').id);
      return { status: 204 };
    })
    .add('GET', '/v2.0/security-groups', (ctx) =>
      list(neutron, ctx, 'security_groups', [...state.securityGroups.values()].map(groupView)),
    )
    .add('POST', '/v2.0/security-groups', (ctx) => createGroup(state, ctx))
    .add('DELETE', '/v2.0/security-groups/:id', (ctx) => deleteGroup(state, ctx.params.id ?? ''))
    .add('POST', '/v2.0/security-group-rules', (ctx) => createRule(state, ctx))
    .add('DELETE', '/v2.0/security-group-rules/:id', (ctx) => deleteRule(state, ctx.params.id ?? ''));
}
