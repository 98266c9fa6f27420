import { randomUUID } from 'node:crypto';
import {
  type AmphoraComputeDriver,
  InstanceNotFoundError,
  NotImplementedError,
  ValidationError,
} from '../../../src/drivers';
import { createComputeActivities } from '../../../src/activities/compute';
import { amphoraName, serverGroupName } from '../../../src/models';
import { eventually, rejectionOf } from '../expect-error';

/** What a compute driver under test needs around it. */
export interface ComputeContractSubject {
  driver: AmphoraComputeDriver;
  /** A network the driver can boot instances on (the management network). */
  managementNetworkId: string;
  /** A second network to attach and detach. */
  otherNetworkId: string;
  cleanup(): Promise<void>;
}

/**
 * The behaviour every compute driver must show, run against each implementation (Hono's common-case pattern):
 * round trips, idempotent creates and undos, not-found mapping and request validation.
 */
export function computeDriverContract(label: string, makeSubject: () => Promise<ComputeContractSubject>): void {
  describe(`compute driver contract: ${label}`, () => {
    let subject: ComputeContractSubject;
    let driver: AmphoraComputeDriver;
    beforeEach(async () => {
      subject = await makeSubject();
      driver = subject.driver;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    const newName = () => amphoraName(randomUUID());
    const buildOne = (name = newName()) =>
      driver.build({
        name,
        imageId: 'amphora-image',
        flavor: 'amphora-flavor',
        networkIds: [subject.managementNetworkId],
      });
    const waitUntilActive = (computeId: string) =>
      eventually(async () => {
        const { amphora } = await driver.getAmphora({ id: computeId });
        return amphora.state === 'ACTIVE' ? amphora : undefined;
      });

    it('builds an instance that becomes ACTIVE, UP and findable by id and by name', async () => {
      const name = newName();
      const computeId = await buildOne(name);
      const active = await waitUntilActive(computeId);
      expect(active).toMatchObject({ computeId, name, state: 'ACTIVE' });
      expect(active.lbNetworkIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(await driver.status(computeId)).toBe('UP');
      expect((await driver.getAmphora({ name })).amphora.computeId).toBe(computeId);
    });

    it('returns the existing instance when a build is retried with the same name', async () => {
      const name = newName();
      const first = await buildOne(name);
      const second = await buildOne(name);
      expect(second).toBe(first);
      expect((await driver.listInstances(name)).map((instance) => instance.computeId)).toEqual([first]);
    });

    it('deletes an instance, and deleting it again, or an unknown id, succeeds', async () => {
      const computeId = await buildOne();
      await driver.delete(computeId);
      const lookup = await rejectionOf(driver.getAmphora({ id: computeId }));
      expect(lookup).toBeInstanceOf(InstanceNotFoundError);
      await expect(driver.delete(computeId)).resolves.toBeUndefined();
      await expect(driver.delete(randomUUID())).resolves.toBeUndefined();
    });

    it('raises a non-retryable InstanceNotFoundError for unknown ids and names', async () => {
      for (const lookup of [{ id: randomUUID() }, { name: newName() }]) {
        const err = await rejectionOf(driver.getAmphora(lookup));
        expect(err).toBeInstanceOf(InstanceNotFoundError);
        expect(err.name).toBe('InstanceNotFoundError');
        expect(err.retryable).toBe(false);
      }
      expect(await rejectionOf(driver.status(randomUUID()))).toBeInstanceOf(InstanceNotFoundError);
    });

    describe('rejects a build request that breaks the seed, naming the field and the limit, and creates nothing', () => {
      const cases: [string, Record<string, unknown>, RegExp][] = [
        [
          'six config-drive files',
          { configDriveFiles: Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [`/etc/file${n}`, 'x'])) },
          /configDriveFiles.*6 files given; the limit is 5/,
        ],
        [
          'an 11 KiB config-drive file',
          { configDriveFiles: { '/etc/motd': 'x'.repeat(11 * 1024) } },
          /configDriveFiles\.\/etc\/motd.*11264 bytes; the limit is 10240 bytes/,
        ],
        [
          'an 11 KiB config-drive file given as bytes',
          { configDriveFiles: { '/etc/key.bin': { base64: Buffer.alloc(11 * 1024).toString('base64') } } },
          /configDriveFiles\.\/etc\/key\.bin.*the limit is 10240 bytes/,
        ],
        [
          'an unknown amphora type',
          { amphoraType: 'MAINFRAME' },
          /amphoraType.*VM, CONTAINER, BAREMETAL, HW_LOAD_BALANCER/,
        ],
        ['an empty network id', { networkIds: [''] }, /networkIds\.0.*must not be empty/],
        ['two SSH keys', { keys: ['amphora-ssh-key', 'other-key'] }, /keys: Nova takes one key pair per server/],
        [
          'user data of 49,150 bytes',
          { userData: 'u'.repeat(49_150) },
          /userData: user data is 49,150 bytes, 65,536 once base64-encoded; Nova's limit is 65,535/,
        ],
        ['an unknown field', { flavour: 'typo' }, /flavour/],
      ];
      it.each(cases)('%s', async (_label, overrides, message) => {
        const name = newName();
        const err = await rejectionOf(driver.build({ name, networkIds: [subject.managementNetworkId], ...overrides }));
        expect(err).toBeInstanceOf(ValidationError);
        expect(err.retryable).toBe(false);
        expect(err.message).toMatch(message);
        expect(await driver.listInstances(name)).toEqual([]);
      });
    });

    it('accepts five config-drive files of exactly 10 KiB, as text or bytes', async () => {
      const files = Object.fromEntries([1, 2, 3, 4].map((n) => [`/etc/file${n}`, 'y'.repeat(10 * 1024)]));
      const computeId = await driver.build({
        name: newName(),
        networkIds: [subject.managementNetworkId],
        configDriveFiles: { ...files, '/etc/blob': { base64: Buffer.alloc(10 * 1024, 7).toString('base64') } },
      });
      expect(computeId).toBeTruthy();
    });

    it('raises NotImplementedError for an amphora type it cannot build', async () => {
      const err = await rejectionOf(
        driver.build({ name: newName(), amphoraType: 'HW_LOAD_BALANCER', networkIds: [subject.managementNetworkId] }),
      );
      expect(err).toBeInstanceOf(NotImplementedError);
      expect(err.message).toContain('HW_LOAD_BALANCER');
    });

    it('creates server groups idempotently by name and deletes them idempotently', async () => {
      const name = `octavia-lb-${randomUUID()}`;
      const group = await driver.createServerGroup({ name, policy: 'anti-affinity' });
      expect(await driver.createServerGroup({ name, policy: 'anti-affinity' })).toMatchObject({ id: group.id });
      expect(await driver.findServerGroup(name)).toMatchObject({ id: group.id, policy: 'anti-affinity' });
      await driver.deleteServerGroup(group.id);
      expect(await driver.findServerGroup(name)).toBeUndefined();
      await expect(driver.deleteServerGroup(group.id)).resolves.toBeUndefined();
    });

    it.each(['anti-affinity', 'soft-anti-affinity'] as const)(
      'makes the server group of a load balancer with the %s policy asked for, anti-affinity unless asked',
      async (policy) => {
        const activities = createComputeActivities(driver);
        const asked = randomUUID();
        const id = await activities.createServerGroup({ loadBalancerId: asked, policy });
        expect(await driver.findServerGroup(serverGroupName(asked))).toMatchObject({ id, policy });
        const unasked = randomUUID();
        await activities.createServerGroup({ loadBalancerId: unasked });
        expect(await driver.findServerGroup(serverGroupName(unasked))).toMatchObject({ policy: 'anti-affinity' });
      },
    );

    it('refuses a server group policy Octavia does not offer for amphorae, naming it', async () => {
      const loadBalancerId = randomUUID();
      const err = await rejectionOf(
        createComputeActivities(driver).createServerGroup({ loadBalancerId, policy: 'affinity' as never }),
      );
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ field: 'policy', retryable: false });
      expect(err.message).toContain('anti-affinity');
      expect(await driver.findServerGroup(serverGroupName(loadBalancerId))).toBeUndefined();
    });

    it('lists the server groups whose names start with a prefix', async () => {
      const prefix = `octavia-lb-${randomUUID()}`;
      const first = await driver.createServerGroup({ name: `${prefix}-a`, policy: 'anti-affinity' });
      const second = await driver.createServerGroup({ name: `${prefix}-b`, policy: 'anti-affinity' });
      const listed = await driver.listServerGroups(prefix);
      expect(listed.map((group) => group.id).sort()).toEqual([first.id, second.id].sort());
      expect(listed.every((group) => group.name.startsWith(prefix))).toBe(true);
      expect(await driver.listServerGroups(`octavia-lb-${randomUUID()}`)).toEqual([]);
    });

    it('attaches a network to an instance and detaches it idempotently', async () => {
      const computeId = await buildOne();
      await waitUntilActive(computeId);
      const attached = await driver.attachNetworkOrPort({ computeId, networkId: subject.otherNetworkId });
      expect(attached).toMatchObject({ computeId, networkId: subject.otherNetworkId });
      expect(attached.fixedIps).toHaveLength(1);
      await driver.detachPort({ computeId, portId: attached.portId });
      await expect(driver.detachPort({ computeId, portId: attached.portId })).resolves.toBeUndefined();
      await expect(driver.detachPort({ computeId: randomUUID(), portId: attached.portId })).resolves.toBeUndefined();
    });

    it('raises InstanceNotFoundError when attaching to an unknown instance', async () => {
      const err = await rejectionOf(
        driver.attachNetworkOrPort({ computeId: randomUUID(), networkId: subject.otherNetworkId }),
      );
      expect(err).toBeInstanceOf(InstanceNotFoundError);
    });
  });
}
