import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config';
import {
  AmphoraUnreachableError,
  createDrivers,
  createNoopDrivers,
  NoopAmphoraDriver,
  type AmphoraRequest,
} from '../../../src/drivers';
import { amphoraName } from '../../../src/models';
import { rejectionOf } from '../expect-error';
import { amphoraDriverContract } from './contract';
import { noopAmphoraSubject, singleOn, withTree } from './subject';
import { amphoraLoadBalancer, webTree } from './web-tree';

amphoraDriverContract('NoopAmphoraDriver (memory)', () => noopAmphoraSubject());

const dir = mkdtempSync(join(tmpdir(), 'noop-amphora-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
amphoraDriverContract('NoopAmphoraDriver (SQLite)', () =>
  noopAmphoraSubject({ state: { sqliteFile: join(dir, `state-${(files += 1)}.db`) } }),
);

describe('NoopAmphoraDriver', () => {
  it('reports haproxy 2.6.12, agent API 1.0 and zero counters on every listener', async () => {
    const subject = await noopAmphoraSubject();
    try {
      const request = await singleOn(subject, (id) => webTree(id, { ports: [80, 443] }));
      await subject.driver.updateAmphoraListeners(request);
      expect(await subject.driver.getInfo(request.amphora)).toEqual({
        hostname: amphoraName(request.amphora.id),
        haproxyVersion: '2.6.12',
        apiVersion: '1.0',
      });
      expect(await subject.driver.getStats(request)).toEqual(
        request.loadBalancer.tree.listeners.map((listener) => ({
          listenerId: listener.id,
          activeConnections: 0,
          bytesIn: 0,
          bytesOut: 0,
          requestErrors: 0,
          totalConnections: 0,
        })),
      );
    } finally {
      await subject.cleanup();
    }
  });

  it('does not answer while the amphora instance is still BUILDING', async () => {
    const drivers = createNoopDrivers({ buildDelayMs: 60_000 });
    try {
      const id = randomUUID();
      const computeId = await drivers.compute.build({ name: amphoraName(id), networkIds: ['lb-mgmt-net'] });
      const err = await rejectionOf(drivers.amphora.getInfo({ id, computeId, status: 'BOOTING' }));
      expect(err).toBeInstanceOf(AmphoraUnreachableError);
      expect(err.retryable).toBe(true);
      expect(err.message).toMatch(/is BUILDING, not ACTIVE/);
    } finally {
      drivers.close();
    }
  });

  it('forgets the agent of a deleted instance, and the inventory keeps nothing of it', async () => {
    const subject = await noopAmphoraSubject();
    try {
      const { drivers } = subject;
      const baseline = drivers.inventory();
      const request = await singleOn(subject, (id) => webTree(id));
      await drivers.amphora.updateAmphoraListeners(request);
      await drivers.amphora.postNetworkPlug({ amphora: request.amphora, networkId: 'member-net-a' });
      expect(drivers.amphora.agents().map((agent) => agent.amphoraId)).toEqual([request.amphora.id]);
      await subject.deleteInstance(request.amphora);
      expect(drivers.amphora.agents()).toEqual([]);
      expect(drivers.inventory()).toEqual(baseline);
      // Asking for it drops what was left of it in the store.
      await rejectionOf(drivers.amphora.getConfiguration(request.amphora));
      expect(drivers.cloud.transact((tx) => tx.list('amphoraAgents'))).toEqual([]);
    } finally {
      await subject.cleanup();
    }
  });

  it('shows what one worker applied to another worker whose cloud is over the same SQLite file', async () => {
    const file = join(dir, 'shared.db');
    const here = await noopAmphoraSubject({ state: { sqliteFile: file } });
    const there = createNoopDrivers({ state: { sqliteFile: file } });
    try {
      const request = await singleOn(here, (id) => webTree(id));
      await here.driver.updateAmphoraListeners(request);
      await here.driver.postNetworkPlug({ amphora: request.amphora, networkId: 'member-net-b' });
      expect(there.cloud).not.toBe(here.drivers.cloud);
      expect(await there.amphora.getConfiguration(request.amphora)).toEqual(
        await here.driver.getConfiguration(request.amphora),
      );
      const moved = withTree(request, webTree(request.loadBalancer.id, { ports: [81] }));
      await there.amphora.updateAmphoraListeners(moved);
      expect(await here.driver.getStats(request)).toMatchObject([
        { listenerId: moved.loadBalancer.tree.listeners[0]?.id },
      ]);
      expect(await here.driver.getConfiguration(request.amphora)).toEqual(
        await there.amphora.getConfiguration(request.amphora),
      );
    } finally {
      there.close();
      await here.cleanup();
    }
  });

  it('serves amphorae the noop cloud has no instance of when it does not check instances, as with Nova', async () => {
    const drivers = createNoopDrivers();
    try {
      const driver = new NoopAmphoraDriver(drivers.cloud, drivers.faults, { checkInstance: false });
      const amphora = {
        id: randomUUID(),
        computeId: randomUUID(),
        status: 'ALLOCATED' as const,
        role: 'STANDALONE' as const,
        vrrpIp: '198.51.100.201',
      };
      const request: AmphoraRequest = { amphora, loadBalancer: amphoraLoadBalancer([amphora], webTree('lb')) };
      await driver.updateAmphoraListeners(request);
      expect((await driver.getConfiguration(amphora)).haproxy).toContain(
        `frontend ${request.loadBalancer.tree.listeners[0]?.id}`,
      );
      expect(await rejectionOf(drivers.amphora.getInfo(amphora))).toBeInstanceOf(AmphoraUnreachableError);
      const deleting = { ...amphora, status: 'PENDING_DELETE' as const };
      expect(await rejectionOf(driver.getInfo(deleting))).toBeInstanceOf(AmphoraUnreachableError);
    } finally {
      drivers.close();
    }
  });

  it('is the amphora driver createDrivers gives Nova, not checking instances in the noop cloud', async () => {
    const selection = loadConfig({
      OS_AUTH_URL: 'https://keystone.example.com:5000/v3/',
      OS_USERNAME: 'octavia',
      OS_PASSWORD: 'secret',
      OS_PROJECT_NAME: 'service',
      AMPHORA_COMPUTE_DRIVER: 'nova',
      AMPHORA_NETWORK_DRIVER: 'neutron',
    }).drivers;
    const drivers = await createDrivers(selection);
    try {
      expect(drivers.amphora).toBeInstanceOf(NoopAmphoraDriver);
      const amphora = { id: randomUUID(), computeId: randomUUID(), status: 'ALLOCATED' as const };
      await expect(drivers.amphora.getInfo(amphora)).resolves.toMatchObject({ hostname: amphoraName(amphora.id) });
    } finally {
      drivers.close();
    }
  });
});
