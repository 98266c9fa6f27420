import { randomUUID } from 'node:crypto';
import { novaFault, objectField, page, type Reply, type RequestContext, text } from './http';
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
    metadata: {},
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

const decodeBase64 = (value: unknown, what: string): Buffer => {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
    throw novaFault(400, `${what} needs to be valid base 64.`);
  }
  return Buffer.from(value, 'base64');
};

/** POST /servers, validated the way Nova's schema and API layer do. */
function createServer(nova: NovaContext, ctx: RequestContext): Reply {
  const { state } = nova;
  const body = objectField(ctx.body, 'server', (message) =>
    novaFault(400, `Invalid input for field/attribute server. ${message}`),
  );
  const bad = (message: string) => novaFault(400, message);
  if (typeof body.name !== 'string' || !body.name)
    throw bad("Invalid input for field/attribute name. 'name' is a required property");
  if (typeof body.flavorRef !== 'string')
    throw bad("Invalid input for field/attribute flavorRef. 'flavorRef' is a required property");
  if ('personality' in body && atLeast(ctx, 57))
    throw bad("Additional properties are not allowed ('personality' was unexpected)");
  if (!('networks' in body) && atLeast(ctx, 37))
    throw bad("Invalid input for field/attribute networks. 'networks' is a required property");
  if (typeof body.imageRef !== 'string') throw bad('Missing imageRef attribute');
  if (!state.images.has(body.imageRef)) throw bad(`Image ${body.imageRef} could not be found.`);
  if (!state.flavors.has(body.flavorRef)) throw bad(`Flavor ${body.flavorRef} could not be found.`);
  if (body.key_name !== undefined && !state.keypairs.has(text(body.key_name))) throw bad('Invalid key_name provided.');
  const zone = text(body.availability_zone, 'nova');
  if (!state.zones.has(zone)) throw bad('The requested availability zone is not available');
  const groups = ((body.security_groups as { name: string }[] | undefined) ?? [{ name: 'default' }]).map(
    (group) => group.name,
  );
  for (const group of groups) {
    if (![...state.securityGroups.values()].some((candidate) => candidate.name === group || candidate.id === group)) {
      throw bad(`Security group ${group} not found for project ${PROJECT_ID}.`);
    }
  }
  const personality = ((body.personality as { path: string; contents: string }[] | undefined) ?? []).map((file) => ({
    path: file.path,
    contents: decodeBase64(file.contents, 'Personality content'),
  }));
  if (personality.length > 5) throw novaFault(403, 'Personality file limit exceeded');
  if (personality.some((file) => file.contents.length > 10240))
    throw novaFault(403, 'Personality file content exceeds maximum 10240');
  const userData =
    body.user_data === undefined ? undefined : decodeBase64(body.user_data, 'User data').toString('utf8');
  const networks =
    body.networks === 'none' || body.networks === undefined
      ? []
      : (body.networks as { uuid?: string; port?: string }[]);
  for (const network of networks) {
    if (network.uuid && !state.networks.has(network.uuid)) throw bad(`Network ${network.uuid} could not be found.`);
    const port = network.port ? state.ports.get(network.port) : undefined;
    if (network.port && !port) throw bad(`Port id ${network.port} could not be found.`);
    if (port?.deviceId) throw novaFault(409, `Port ${port.id} is still in use.`);
  }
  const hints = (ctx.body as Record<string, unknown>)['os:scheduler_hints'] as { group?: string } | undefined;
  const group = hints?.group ? state.serverGroups.get(hints.group) : undefined;
  if (hints?.group && !group)
    throw bad(`Invalid input for field/attribute group. Instance group ${hints.group} could not be found.`);

  const id = randomUUID();
  const server: FakeServer = {
    id,
    name: body.name,
    seq: state.nextSeq(),
    createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    readyAt: Date.now() + nova.config.buildDelayMs,
    imageRef: body.imageRef,
    flavorRef: body.flavorRef,
    availabilityZone: zone,
    keyName: body.key_name === undefined ? null : text(body.key_name),
    securityGroups: groups,
    userData,
    personality,
    configDrive: body.config_drive === true,
    groupId: group?.id,
  };
  state.servers.set(id, server);
  group?.members.push(id);
  for (const network of networks) {
    try {
      if (network.uuid)
        state.createPort({ networkId: network.uuid, deviceId: id, deviceOwner: 'compute:nova', novaCreated: true });
      const port = network.port ? state.ports.get(network.port) : undefined;
      if (port) Object.assign(port, { deviceId: id, deviceOwner: 'compute:nova' });
    } catch {
      // As Nova does: the API accepted the build; the compute host fails to set up networking, and the server errs.
      server.fault = {
        code: 500,
        message: `Build of instance ${id} aborted: Failed to allocate the network(s), not rescheduling.`,
        details: 'Traceback (most recent call last): ... nova.exception.BuildAbortException',
        created: new Date().toISOString(),
      };
    }
  }
  const link = `${nova.baseUrl()}/compute/v2.1/servers/${id}`;
  return {
    status: 202,
    headers: { Location: link },
    body: {
      server: {
        id,
        links: [{ rel: 'self', href: link }],
        adminPass: 'Kq7bNcW2m9Lx',
        'OS-DCF:diskConfig': 'MANUAL',
        security_groups: groups.map((name) => ({ name })),
      },
    },
  };
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
  create: (nova: NovaContext) => (ctx: RequestContext) => createServer(nova, ctx),
  remove: (nova: NovaContext) => (ctx: RequestContext) => deleteServer(nova, ctx.params.id ?? ''),
};
