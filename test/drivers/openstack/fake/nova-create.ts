import { randomUUID } from 'node:crypto';
import { novaFault, objectField, type Reply, type RequestContext, text } from './http';
import { atLeast, type NovaContext } from './nova-servers';
import { PROJECT_ID, type FakeServer } from './state';

const decodeBase64 = (value: unknown, what: string): Buffer => {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
    throw novaFault(400, `${what} needs to be valid base 64.`);
  }
  return Buffer.from(value, 'base64');
};

/** Server metadata as Nova's schema takes it: an object of strings, keys of 1 to 255 characters, values up to 255. */
function parseMetadata(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  const invalid = (why: string) => novaFault(400, `Invalid input for field/attribute metadata. ${why}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(`Value: ${JSON.stringify(value)}. ${JSON.stringify(value)} is not of type 'object'`);
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [key, item] of entries) {
    if (key.length < 1 || key.length > 255) throw invalid(`'${key}' does not match any of the regexes`);
    if (typeof item !== 'string') throw invalid(`Value: ${JSON.stringify(item)} is not of type 'string'`);
    if (item.length > 255) throw invalid(`Value: ${item.slice(0, 20)}... is too long`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** POST /servers, validated the way Nova's schema and API layer do. */
export function createServer(nova: NovaContext, ctx: RequestContext): Reply {
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
  // Nova's schema limits the base64 text, not the data it decodes to.
  if (typeof body.user_data === 'string' && body.user_data.length > 65535)
    throw bad(`Invalid input for field/attribute user_data. Value: ${body.user_data.slice(0, 20)}... is too long`);
  const metadata = parseMetadata(body.metadata);
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
    metadata,
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
