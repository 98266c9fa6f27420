import { inspect } from 'node:util';
import { ComputeError, InstanceNotFoundError, NetworkError } from '../../../src/drivers';
import { rejectionOf } from '../expect-error';
import { CREDENTIALS } from './fake/keystone';
import { SEED } from './fake/seed';
import { startTestbed, type Testbed } from './testbed';

describe('OpenStack session (Keystone v3)', () => {
  let bed: Testbed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  /** Nothing in the captured logs, nor in `extra`, may contain the password or any token the cloud issued. */
  const expectNoSecrets = (current: Testbed, ...extra: string[]) => {
    const text = [current.log.text(), ...extra].join('\n');
    expect(text).not.toContain(CREDENTIALS.password);
    for (const token of current.cloud.tokens.issued) expect(text).not.toContain(token);
  };

  it('asks Keystone once with a project-scoped password request, and reuses the token', async () => {
    bed = await startTestbed();
    const { compute, network } = bed.drivers;
    await network.getNetwork(SEED.vipNetworkId);
    await expect(compute.getAmphora({ name: 'amphora-none' })).rejects.toBeInstanceOf(InstanceNotFoundError);
    await network.getSubnet(SEED.vipSubnetId);

    const auth = bed.cloud.seen({ service: 'identity' });
    expect(auth).toHaveLength(1);
    expect(auth[0]?.body).toEqual({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: CREDENTIALS.username, domain: { name: 'Default' }, password: CREDENTIALS.password },
          },
        },
        scope: { project: { name: CREDENTIALS.projectName, domain: { name: 'Default' } } },
      },
    });
    const tokens = new Set(
      bed.cloud
        .seen()
        .filter((request) => request.service !== 'identity')
        .map((r) => r.token),
    );
    expect([...tokens]).toEqual([bed.cloud.tokens.issued[0]]);
    expectNoSecrets(bed);
  });

  it('renews a token shortly before it expires, so no call is refused', async () => {
    const clock = { skewMs: 0 };
    bed = await startTestbed({ drivers: { now: () => Date.now() + clock.skewMs } });
    await bed.drivers.network.getNetwork(SEED.vipNetworkId);
    clock.skewMs = 10 * 60_000; // ten minutes on: the one-hour token is still far from its end
    await bed.drivers.network.getNetwork(SEED.vipNetworkId);
    expect(bed.cloud.seen({ service: 'identity' })).toHaveLength(1);
    clock.skewMs = 59 * 60_000 + 30_000; // thirty seconds before it expires
    await bed.drivers.network.getNetwork(SEED.vipNetworkId);
    expect(bed.cloud.seen({ service: 'identity' })).toHaveLength(2);
    expect(bed.cloud.seen().filter((request) => request.status === 401)).toEqual([]);
    const [first, second] = bed.cloud.tokens.issued;
    expect(bed.cloud.seen({ service: 'network' }).map((request) => request.token)).toEqual([first, first, second]);
  });

  it('renews a token that stops working mid-run, replays the call once, and never logs a secret', async () => {
    bed = await startTestbed();
    const { compute } = bed.drivers;
    const computeId = await compute.build({ name: 'amphora-token-test', networkIds: [SEED.managementNetworkId] });
    bed.cloud.tokens.revokeAll();

    const { amphora } = await compute.getAmphora({ id: computeId });

    expect(amphora.computeId).toBe(computeId);
    const reads = bed.cloud.seen({ service: 'compute', method: 'GET', path: new RegExp(`/servers/${computeId}$`) });
    expect(reads.map((request) => request.status)).toEqual([401, 200]);
    expect(reads[1]?.token).toBe(bed.cloud.tokens.issued[1]);
    expect(bed.log.entries.some((entry) => entry.level === 'warn' && /401/.test(entry.message))).toBe(true);
    expectNoSecrets(bed);
  });

  it('keeps using a still-valid token while Keystone fails to renew it', async () => {
    const clock = { skewMs: 0 };
    bed = await startTestbed({ drivers: { now: () => Date.now() + clock.skewMs } });
    await bed.drivers.network.getNetwork(SEED.vipNetworkId);
    clock.skewMs = 59 * 60_000 + 30_000;
    bed.cloud.misbehave({ service: 'identity' }, { kind: 'fail', status: 503 });
    await expect(bed.drivers.network.getNetwork(SEED.vipNetworkId)).resolves.toMatchObject({ id: SEED.vipNetworkId });
    expect(bed.cloud.seen({ service: 'identity' }).map((request) => request.status)).toEqual([201, 503]);
    expect(bed.log.entries.some((entry) => /renewal failed/.test(entry.message))).toBe(true);
  });

  it('fails with a non-retryable error that points at the credentials when Keystone refuses them', async () => {
    const wrong = 'not-the-password-42';
    bed = await startTestbed({ env: { OS_PASSWORD: wrong } });
    const err = await rejectionOf(bed.drivers.compute.getAmphora({ name: 'amphora-x' }));
    expect(err).toBeInstanceOf(ComputeError);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/Keystone answered POST \/v3\/auth\/tokens with 401/);
    expect(err.message).toContain('check OS_USERNAME, OS_PASSWORD');
    const printed = [err.message, JSON.stringify(err), inspect(err, { depth: 10 })].join('\n');
    expect(printed).not.toContain(wrong);
    expect(bed.log.text()).not.toContain(wrong);
  });

  it('fails a wrong OS_AUTH_URL naming it, and never as a missing instance', async () => {
    bed = await startTestbed({ env: (cloud) => ({ OS_AUTH_URL: `${cloud.baseUrl}/keystone/v3` }) });
    const err = await rejectionOf(bed.drivers.compute.getAmphora({ id: 'any' }));
    expect(err).not.toBeInstanceOf(InstanceNotFoundError);
    expect(err).toBeInstanceOf(ComputeError);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/Keystone answered POST \/v3\/auth\/tokens with 404.*check OS_AUTH_URL/);
  });

  it('fails naming the missing service and its variable when the catalog has no compute endpoint', async () => {
    bed = await startTestbed({ cloud: { omitServices: ['compute'] } });
    const err = await rejectionOf(bed.drivers.compute.getAmphora({ name: 'amphora-x' }));
    expect(err).toBeInstanceOf(ComputeError);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("no 'compute' service");
    expect(err.message).toContain('AMPHORA_NOVA_ENDPOINT');
    await expect(bed.drivers.network.getNetwork(SEED.vipNetworkId)).resolves.toBeDefined();
  });

  it('uses the explicit endpoint override instead of the catalog', async () => {
    bed = await startTestbed({
      cloud: { omitServices: ['compute'] },
      env: (cloud) => ({ AMPHORA_NOVA_ENDPOINT: `${cloud.baseUrl}/compute/v2.1/` }),
    });
    await expect(bed.drivers.compute.getAmphora({ name: 'amphora-x' })).rejects.toBeInstanceOf(InstanceNotFoundError);
    expect(bed.cloud.seen({ service: 'compute' }).map((request) => request.status)).toEqual([200]);
  });

  it('fails naming OS_REGION_NAME and the regions there are, for a region the catalog lacks', async () => {
    bed = await startTestbed({ env: { OS_REGION_NAME: 'RegionTwo' } });
    const err = await rejectionOf(bed.drivers.network.getNetwork(SEED.vipNetworkId));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('OS_REGION_NAME="RegionTwo"');
    expect(err.message).toContain('regions with one: RegionOne');
  });

  it('picks the endpoint of the configured region, and reads a Neutron endpoint registered with /v2.0', async () => {
    bed = await startTestbed({
      cloud: { regions: ['RegionOne', 'RegionTwo'], networkEndpointSuffix: '/v2.0' },
      env: { OS_REGION_NAME: 'RegionTwo', OS_INTERFACE: 'internal' },
    });
    await expect(bed.drivers.network.getNetwork(SEED.vipNetworkId)).resolves.toMatchObject({ id: SEED.vipNetworkId });
    expect(bed.cloud.seen({ service: 'network' }).map((request) => request.path)).toEqual([
      `/v2.0/networks/${SEED.vipNetworkId}`,
    ]);
  });

  it('fails naming the field when Keystone answers without an expiry', async () => {
    bed = await startTestbed();
    bed.cloud.misbehave(
      { service: 'identity' },
      {
        kind: 'malform',
        rewrite: (body) => {
          delete (body as { token: Record<string, unknown> }).token.expires_at;
          return body;
        },
      },
    );
    const err = await rejectionOf(bed.drivers.network.getNetwork(SEED.vipNetworkId));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('token.expires_at');
  });
});
