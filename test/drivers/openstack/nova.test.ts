import { randomUUID } from 'node:crypto';
import {
  ComputeBuildError,
  ComputeError,
  InstanceNotFoundError,
  NOVA_MICROVERSION,
  ValidationError,
} from '../../../src/drivers';
import { NovaApi } from '../../../src/drivers/compute/nova/api';
import { instanceStateOf } from '../../../src/drivers/compute/nova/mapping';
import { statusOf } from '../../../src/drivers/openstack/errors';
import { amphoraName } from '../../../src/models';
import { eventually, rejectionOf } from '../expect-error';
import { SEED } from './fake/seed';
import { startTestbed, type Testbed } from './testbed';

describe('NovaComputeDriver on the fake Nova', () => {
  let bed: Testbed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  const active = (current: Testbed, computeId: string) =>
    eventually(async () => {
      const { amphora } = await current.drivers.compute.getAmphora({ id: computeId });
      return amphora.state === 'ACTIVE' ? amphora : undefined;
    });

  it(`sends the server create body of the API reference, at microversion ${NOVA_MICROVERSION}`, async () => {
    bed = await startTestbed();
    const { compute } = bed.drivers;
    const group = await compute.createServerGroup({ name: `octavia-lb-${randomUUID()}`, policy: 'anti-affinity' });
    const userPort = bed.cloud.userPort(SEED.memberNetworkId);
    const bytes = Buffer.from([0, 1, 2, 254, 255]);
    const name = amphoraName(randomUUID());

    const computeId = await compute.build({
      name,
      imageId: 'amphora-image',
      flavor: 'amphora-flavor',
      keys: ['amphora-ssh-key'],
      securityGroups: ['default'],
      networkIds: [SEED.managementNetworkId],
      portIds: [userPort.id],
      configDriveFiles: { '/etc/motd': 'héllo', '/etc/key.bin': { base64: bytes.toString('base64') } },
      userData: '#cloud-config\nruncmd: []\n',
      availabilityZone: 'az-1',
      serverGroupId: group.id,
    });

    const [create] = bed.cloud.seen({ service: 'compute', method: 'POST', path: /^\/servers$/ });
    expect(create?.status).toBe(202);
    expect(create?.headers['openstack-api-version']).toBe(`compute ${NOVA_MICROVERSION}`);
    expect(create?.body).toEqual({
      server: {
        name,
        imageRef: 'amphora-image',
        flavorRef: 'amphora-flavor',
        key_name: 'amphora-ssh-key',
        security_groups: [{ name: 'default' }],
        networks: [{ uuid: SEED.managementNetworkId }, { port: userPort.id }],
        user_data: Buffer.from('#cloud-config\nruncmd: []\n').toString('base64'),
        availability_zone: 'az-1',
        metadata: { 'amphora-orchestrator': name },
        config_drive: true,
        personality: [
          { path: '/etc/motd', contents: Buffer.from('héllo').toString('base64') },
          { path: '/etc/key.bin', contents: bytes.toString('base64') },
        ],
      },
      'os:scheduler_hints': { group: group.id },
    });
    const server = bed.cloud.state.servers.get(computeId);
    expect(server?.personality.map((file) => [file.path, file.contents])).toEqual([
      ['/etc/motd', Buffer.from('héllo')],
      ['/etc/key.bin', bytes],
    ]);
    expect(server?.userData).toBe('#cloud-config\nruncmd: []\n');
    expect((await compute.findServerGroup(group.name))?.memberIds).toEqual([computeId]);
  });

  it("refuses user data over Nova's limit on its base64 text before calling Nova, which would refuse it late", async () => {
    bed = await startTestbed();
    const name = amphoraName(randomUUID());
    const tooLong = 'u'.repeat(49_150); // 65,536 bytes once base64-encoded
    // What a build with it used to meet: Nova's 400, after the load balancer's VIP had been allocated.
    const nova = new NovaApi(bed.drivers.session.service('compute'));
    const server = { name, imageRef: 'amphora-image', flavorRef: 'amphora-flavor', networks: 'none' };
    const late = await rejectionOf(
      nova.createServer({ server: { ...server, user_data: Buffer.from(tooLong).toString('base64') } }),
    );
    expect(statusOf(late)).toBe(400);

    const posts = () => bed?.cloud.seen({ service: 'compute', method: 'POST', path: /^\/servers$/ }).length;
    const before = posts();
    const err = await rejectionOf(bed.drivers.compute.build({ name, userData: tooLong, networkIds: [] }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ field: 'userData', retryable: false });
    expect(err.message).toContain('user data is 49,150 bytes, 65,536 once base64-encoded');
    expect(posts()).toBe(before);

    const fits = 'u'.repeat(49_149);
    const computeId = await bed.drivers.compute.build({ name, userData: fits, networkIds: [] });
    expect(bed.cloud.state.servers.get(computeId)?.userData).toBe(fits);
  });

  it('reports the management address (not the first one), zone, image and flavor, asking Neutron once', async () => {
    bed = await startTestbed();
    const computeId = await bed.drivers.compute.build({
      name: amphoraName(randomUUID()),
      networkIds: [SEED.memberNetworkId, SEED.managementNetworkId],
      availabilityZone: 'az-1',
    });
    const amphora = await active(bed, computeId);
    expect(amphora).toMatchObject({ cachedZone: 'az-1', imageId: 'amphora-image', computeFlavor: 'amphora-flavor' });
    expect(amphora.lbNetworkIp).toMatch(/^192\.0\.2\.\d+$/); // lb-mgmt-subnet, not members-a's 203.0.113.0/25
    await bed.drivers.compute.getAmphora({ id: computeId });
    expect(bed.cloud.seen({ service: 'network', path: /networks\/lb-mgmt-net$/ })).toHaveLength(1);
  });

  it('finds the management address by network id when another network has the same name', async () => {
    bed = await startTestbed();
    // Nova keys a server's addresses by network name, so the two networks' addresses land in one list.
    bed.cloud.state.addNetwork({ id: 'namesake-net', name: SEED.managementNetworkName }, [
      { id: 'namesake-subnet', name: 'namesake-subnet', cidr: '10.99.0.0/24', gatewayIp: '10.99.0.1' },
    ]);
    const computeId = await bed.drivers.compute.build({
      name: amphoraName(randomUUID()),
      networkIds: ['namesake-net', SEED.managementNetworkId],
    });
    const amphora = await active(bed, computeId);
    const management = bed.cloud.state.portsOf(computeId).find((port) => port.networkId === SEED.managementNetworkId)
      ?.fixedIps[0]?.ip_address;
    expect(management).toMatch(/^192\.0\.2\.\d+$/);
    expect(amphora.lbNetworkIp).toBe(management);
  });

  it('takes the first address when no management network is configured', async () => {
    bed = await startTestbed({ env: { AMPHORA_MGMT_NETWORK_ID: undefined } });
    const computeId = await bed.drivers.compute.build({
      name: amphoraName(randomUUID()),
      networkIds: [SEED.memberNetworkId, SEED.managementNetworkId],
    });
    expect((await active(bed, computeId)).lbNetworkIp).toMatch(/^203\.0\.113\.\d+$/);
    expect(bed.cloud.seen({ service: 'network' })).toEqual([]);
  });

  it('names a missing management network by its variable', async () => {
    bed = await startTestbed({ env: { AMPHORA_MGMT_NETWORK_ID: 'no-such-net' } });
    const computeId = await bed.drivers.compute.build({ name: amphoraName(randomUUID()), networkIds: [] });
    const err = await rejectionOf(bed.drivers.compute.getAmphora({ id: computeId }));
    expect(err).toBeInstanceOf(ComputeError);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('AMPHORA_MGMT_NETWORK_ID="no-such-net"');
  });

  it('reads the embedded flavor of a cloud that answers with a newer microversion', async () => {
    bed = await startTestbed();
    const computeId = await bed.drivers.compute.build({ name: amphoraName(randomUUID()), networkIds: [] });
    bed.cloud.misbehave(
      { service: 'compute', method: 'GET' },
      {
        kind: 'malform',
        rewrite: (body) => {
          (body as { server: Record<string, unknown> }).server.flavor = { original_name: 'm1.amphora', vcpus: 1 };
          return body;
        },
      },
    );
    expect((await bed.drivers.compute.getAmphora({ id: computeId })).amphora.computeFlavor).toBe('m1.amphora');
  });

  it('reports a failed boot as ERROR with the Nova fault, and DOWN', async () => {
    const current = await startTestbed();
    bed = current;
    const computeId = await current.drivers.compute.build({
      name: amphoraName(randomUUID()),
      networkIds: ['full-net'],
    });
    const failed = await eventually(async () => {
      const found = await current.drivers.compute.getAmphora({ id: computeId });
      return found.amphora.state === 'ERROR' ? found : undefined;
    });
    expect(failed.fault?.code).toBe(500);
    expect(failed.fault?.message).toContain('Failed to allocate the network');
    expect(await bed.drivers.compute.status(computeId)).toBe('DOWN');
  });

  it("fails a build Nova refuses with a non-retryable ComputeBuildError carrying Nova's message", async () => {
    bed = await startTestbed();
    const err = await rejectionOf(
      bed.drivers.compute.build({ name: amphoraName(randomUUID()), flavor: 'm1.huge', networkIds: [] }),
    );
    expect(err).toBeInstanceOf(ComputeBuildError);
    expect(err.retryable).toBe(false);
    expect(err.fault).toEqual({ code: 400, message: 'Flavor m1.huge could not be found.' });
    expect(err.message).toContain('compute fault 400 "Flavor m1.huge could not be found."');
  });

  it('refuses a build without a flavor when no default is configured, before calling Nova', async () => {
    bed = await startTestbed({ env: { AMPHORA_AMP_FLAVOR_ID: undefined } });
    const err = await rejectionOf(bed.drivers.compute.build({ name: amphoraName(randomUUID()), networkIds: [] }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.field).toBe('flavor');
    expect(err.message).toContain('AMPHORA_AMP_FLAVOR_ID');
    expect(bed.cloud.seen({ service: 'compute' })).toEqual([]);
  });

  it('makes server groups with the policies list, which Nova at this microversion expects', async () => {
    bed = await startTestbed();
    const name = `octavia-lb-${randomUUID()}`;
    await bed.drivers.compute.createServerGroup({ name, policy: 'soft-anti-affinity' });
    const [create] = bed.cloud.seen({ service: 'compute', method: 'POST', path: /os-server-groups/ });
    expect(create?.body).toEqual({ server_group: { name, policies: ['soft-anti-affinity'] } });
    expect(create?.status).toBe(200);
    await expect(bed.drivers.compute.deleteServerGroup(randomUUID())).resolves.toBeUndefined();
  });

  it('reads every page of server groups: finds, lists and reuses a group past the first page', async () => {
    bed = await startTestbed({ cloud: { maxLimit: 2 } });
    const { compute } = bed.drivers;
    const prefix = `octavia-lb-${randomUUID()}`;
    const made = [];
    for (let index = 0; index < 5; index += 1) {
      made.push(await compute.createServerGroup({ name: `${prefix}-${index}`, policy: 'anti-affinity' }));
    }
    const last = made[4];

    expect((await compute.listServerGroups(prefix)).map((group) => group.id).sort()).toEqual(
      made.map((group) => group.id).sort(),
    );
    expect(await compute.findServerGroup(`${prefix}-4`)).toMatchObject({ id: last?.id });
    expect(await compute.createServerGroup({ name: `${prefix}-4`, policy: 'anti-affinity' })).toMatchObject({
      id: last?.id,
    });
    expect([...bed.cloud.state.serverGroups.values()].filter((group) => group.name === `${prefix}-4`)).toHaveLength(1);
  });

  it('returns the existing interface for a port attached already, and refuses one attached elsewhere', async () => {
    bed = await startTestbed();
    const { compute } = bed.drivers;
    const [first, second] = await Promise.all(
      [1, 2].map(() => compute.build({ name: amphoraName(randomUUID()), networkIds: [SEED.managementNetworkId] })),
    );
    await Promise.all([active(bed, first ?? ''), active(bed, second ?? '')]);
    const port = bed.cloud.userPort(SEED.memberNetworkId);

    const attached = await compute.attachNetworkOrPort({ computeId: first ?? '', portId: port.id });
    const again = await compute.attachNetworkOrPort({ computeId: first ?? '', portId: port.id });
    expect(again).toEqual(attached);
    const attaches = bed.cloud.seen({ service: 'compute', method: 'POST', path: /os-interface$/ });
    expect(attaches.map((request) => request.status)).toEqual([200, 409]);

    const elsewhere = await rejectionOf(compute.attachNetworkOrPort({ computeId: second ?? '', portId: port.id }));
    expect(elsewhere).toBeInstanceOf(ComputeError);
    expect(elsewhere.retryable).toBe(false);
    expect(elsewhere.message).toContain(`Port ${port.id} is still in use.`);
  });

  it('tells a missing network from a missing instance when attaching', async () => {
    bed = await startTestbed();
    const computeId = await bed.drivers.compute.build({ name: amphoraName(randomUUID()), networkIds: [] });
    await active(bed, computeId);
    const err = await rejectionOf(bed.drivers.compute.attachNetworkOrPort({ computeId, networkId: 'no-such-net' }));
    expect(err).not.toBeInstanceOf(InstanceNotFoundError);
    expect(err).toBeInstanceOf(ComputeError);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('Network no-such-net could not be found.');
  });

  it('reports an attach to an instance that is still building as retryable', async () => {
    bed = await startTestbed({ cloud: { buildDelayMs: 5_000 } });
    const computeId = await bed.drivers.compute.build({ name: amphoraName(randomUUID()), networkIds: [] });
    const err = await rejectionOf(
      bed.drivers.compute.attachNetworkOrPort({ computeId, networkId: SEED.memberNetworkId }),
    );
    expect(err).toBeInstanceOf(ComputeError);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('vm_state building');
  });

  it('lists instances across pages', async () => {
    bed = await startTestbed({ cloud: { maxLimit: 2 } });
    const prefix = `amphora-page-${randomUUID().slice(0, 8)}-`;
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      ids.push(await bed.drivers.compute.build({ name: `${prefix}${index}`, networkIds: [] }));
    }
    await bed.drivers.compute.build({ name: amphoraName(randomUUID()), networkIds: [] });
    const before = bed.cloud.seen({ service: 'compute', path: /servers\/detail/ }).length;
    const listed = await bed.drivers.compute.listInstances(prefix);
    expect(listed.map((instance) => instance.computeId).sort()).toEqual([...ids].sort());
    expect(bed.cloud.seen({ service: 'compute', path: /servers\/detail/ }).length - before).toBe(3);
  });
});

describe('instanceStateOf', () => {
  it.each([
    ['ACTIVE', 'ACTIVE'],
    ['BUILD', 'BUILDING'],
    ['REBOOT', 'BUILDING'],
    ['MIGRATING', 'BUILDING'],
    ['ERROR', 'ERROR'],
    ['UNKNOWN', 'ERROR'],
    ['SHUTOFF', 'SHUTOFF'],
    ['SUSPENDED', 'SHUTOFF'],
    ['SHELVED_OFFLOADED', 'SHUTOFF'],
    ['DELETED', 'DELETED'],
    ['SOFT_DELETED', 'DELETED'],
  ] as const)('maps Nova status %s to %s', (status, state) => {
    expect(instanceStateOf(status)).toBe(state);
  });
});
