import { novaFault, page, type Reply, type RequestContext } from './http';
import { PROJECT_ID, USER_ID, type FakeServer, type FakeState } from './state';

export interface NovaConfig {
  buildDelayMs: number;
  detachDelayMs: number;
  /** Nova's `[api] max_limit`: the longest page a list answers with. */
  maxLimit: number;
}

export interface NovaContext {
  state: FakeState;
  config: NovaConfig;
  baseUrl: () => string;
}

/** The microversion a request asked for (2.1 when it asked for none), as [major, minor]. */
export function microversion(ctx: RequestContext): [number, number] {
  const header = ctx.headers['openstack-api-version'] ?? ctx.headers['x-openstack-nova-api-version'];
  const text = (Array.isArray(header) ? header[0] : header) ?? '2.1';
  const match = /(\d+)\.(\d+)/.exec(text);
  return match ? [Number(match[1]), Number(match[2])] : [2, 1];
}

export const atLeast = (ctx: RequestContext, minor: number) => microversion(ctx)[1] >= minor;

export function serverOr404(nova: NovaContext, id: string): FakeServer {
  const server = nova.state.servers.get(id);
  if (!server) throw novaFault(404, `Instance ${id} could not be found.`);
  return server;
}

export function statusOf(server: FakeServer): 'BUILD' | 'ACTIVE' | 'ERROR' {
  if (Date.now() < server.readyAt) return 'BUILD';
  return server.fault ? 'ERROR' : 'ACTIVE';
}

function serverView(nova: NovaContext, server: FakeServer, ctx: RequestContext) {
  const status = statusOf(server);
  const addresses: Record<string, unknown[]> = {};
  for (const port of nova.state.portsOf(server.id)) {
    const networkName = nova.state.networks.get(port.networkId)?.name ?? port.networkId;
    addresses[networkName] = [
      ...(addresses[networkName] ?? []),
      ...port.fixedIps.map((fixedIp) => ({
        addr: fixedIp.ip_address,
        version: 4,
        'OS-EXT-IPS:type': 'fixed',
        'OS-EXT-IPS-MAC:mac_addr': port.macAddress,
      })),
    ];
  }
  const link = `${nova.baseUrl()}/compute/v2.1/servers/${server.id}`;
  return {
    id: server.id,
    name: server.name,
    status,
    tenant_id: PROJECT_ID,
    user_id: USER_ID,
    created: server.createdAt,
    updated: server.createdAt,
    hostId: 'c9a4a1f1d2e3',
    addresses,
    image: server.imageRef ? { id: server.imageRef, links: [] } : '',
    // Microversion 2.47 embedded the flavor instead of linking it.
    flavor: atLeast(ctx, 47)
      ? { original_name: server.flavorRef, vcpus: 1, ram: 1024, disk: 2, ephemeral: 0, swap: 0, extra_specs: {} }
      : { id: server.flavorRef, links: [] },
    'OS-EXT-AZ:availability_zone': server.availabilityZone,
    'OS-EXT-STS:vm_state': { BUILD: 'building', ACTIVE: 'active', ERROR: 'error' }[status],
    'OS-EXT-STS:task_state': status === 'BUILD' ? 'spawning' : null,
    'OS-EXT-STS:power_state': status === 'ACTIVE' ? 1 : 0,
    key_name: server.keyName,
    metadata: server.metadata,
    config_drive: server.configDrive ? 'True' : '',
    security_groups: server.securityGroups.map((name) => ({ name })),
    accessIPv4: '',
    accessIPv6: '',
    progress: 0,
    links: [{ rel: 'self', href: link }],
    ...(status === 'ERROR' && server.fault ? { fault: server.fault } : {}),
  };
}

function listServers(nova: NovaContext, ctx: RequestContext, detail: boolean): Reply {
  const name = ctx.query.get('name');
  const pattern = name ? new RegExp(name) : undefined;
  // Nova lists the newest first.
  const servers = [...nova.state.servers.values()]
    .filter((server) => !pattern || pattern.test(server.name))
    .sort((a, b) => b.seq - a.seq);
  const path = detail ? 'servers/detail' : 'servers';
  const { items, next } = page(
    servers,
    ctx.query,
    nova.config.maxLimit,
    `${nova.baseUrl()}/compute/v2.1/${path}`,
    (marker) => novaFault(400, `marker [${marker}] not found`),
  );
  const views = items.map((server) =>
    detail ? serverView(nova, server, ctx) : { id: server.id, name: server.name, links: [] },
  );
  return { status: 200, body: { servers: views, ...(next ? { servers_links: [{ rel: 'next', href: next }] } : {}) } };
}

function deleteServer(nova: NovaContext, id: string): Reply {
  const server = serverOr404(nova, id);
  for (const port of nova.state.portsOf(id)) {
    if (port.novaCreated) nova.state.deletePort(port.id);
    else Object.assign(port, { deviceId: '', deviceOwner: '', detachAt: undefined });
  }
  const group = server.groupId ? nova.state.serverGroups.get(server.groupId) : undefined;
  if (group) group.members = group.members.filter((member) => member !== id);
  nova.state.servers.delete(id);
  return { status: 204 };
}

export const serverHandlers = {
  list: (nova: NovaContext) => (ctx: RequestContext) => listServers(nova, ctx, false),
  detail: (nova: NovaContext) => (ctx: RequestContext) => listServers(nova, ctx, true),
  show: (nova: NovaContext) => (ctx: RequestContext) => ({
    status: 200,
    body: { server: serverView(nova, serverOr404(nova, ctx.params.id ?? ''), ctx) },
  }),
  remove: (nova: NovaContext) => (ctx: RequestContext) => deleteServer(nova, ctx.params.id ?? ''),
};
