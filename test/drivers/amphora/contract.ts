import { randomUUID } from 'node:crypto';
import {
  AmphoraConfigRejectedError,
  AmphoraNotConfiguredError,
  type AmphoraLoadBalancerDriver,
  type AmphoraRequest,
} from '../../../src/drivers';
import { renderHaproxyConfig, renderKeepalivedConfig } from '../../../src/drivers/amphora/config';
import { amphoraName, emptyTree, type LoadBalancerTree } from '../../../src/models';
import { rejectionOf } from '../expect-error';
import { singleOn, withTree, type AmphoraContractSubject } from './subject';
import { unreachableContract } from './unreachable-contract';
import { addRedirectToPool, amphoraLoadBalancer, webTree } from './web-tree';

/**
 * The behaviour every amphora driver must show, run against each implementation: what it applies is what the one
 * renderer renders, applying is idempotent and undone by applying the previous tree, a refused configuration leaves
 * the old one running, and an amphora that cannot be reached says so, retryably.
 */
export function amphoraDriverContract(label: string, makeSubject: () => Promise<AmphoraContractSubject>): void {
  describe(`amphora driver contract: ${label}`, () => {
    let subject: AmphoraContractSubject;
    let driver: AmphoraLoadBalancerDriver;
    beforeEach(async () => {
      subject = await makeSubject();
      driver = subject.driver;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    const single = (tree: (loadBalancerId: string) => LoadBalancerTree): Promise<AmphoraRequest> =>
      singleOn(subject, tree);

    it('runs the rendered haproxy configuration and reports counters for each listener', async () => {
      const request = await single((id) => webTree(id, { ports: [80, 8080] }));
      await driver.updateAmphoraListeners(request);
      const applied = await driver.getConfiguration(request.amphora);
      expect(applied.haproxy).toBe(renderHaproxyConfig({ ...request, paths: subject.pathsOf?.(request.amphora) }));
      const stats = await driver.getStats(request);
      expect(stats.map((entry) => entry.listenerId)).toEqual(request.loadBalancer.tree.listeners.map((l) => l.id));
      for (const entry of stats) expect(entry.totalConnections).toBeGreaterThanOrEqual(0);
      expect((await driver.getDiagnostics(request.amphora)).loadBalancers).toEqual([request.loadBalancer.id]);
    });

    it('ends in the same state when the same tree is applied twice as when it is applied once', async () => {
      const request = await single((id) => webTree(id));
      await driver.updateAmphoraListeners(request);
      const once = await driver.getConfiguration(request.amphora);
      await driver.updateAmphoraListeners(request);
      expect(await driver.getConfiguration(request.amphora)).toEqual(once);
    });

    it('restores the byte-identical previous configuration when the previous tree is applied again', async () => {
      const request = await single((id) => webTree(id));
      await driver.updateAmphoraListeners(request);
      const before = await driver.getConfiguration(request.amphora);
      const bigger = withTree(
        request,
        webTree(request.loadBalancer.id, { ports: [80, 443], members: ['203.0.113.99'] }),
      );
      await driver.updateAmphoraListeners(bigger);
      expect((await driver.getConfiguration(request.amphora)).haproxy).not.toBe(before.haproxy);
      await driver.updateAmphoraListeners(request);
      expect(await driver.getConfiguration(request.amphora)).toEqual(before);
    });

    it('stops haproxy and drops its configuration when no listener is left', async () => {
      const request = await single((id) => webTree(id));
      await driver.updateAmphoraListeners(request);
      await driver.updateAmphoraListeners(withTree(request, emptyTree()));
      expect((await driver.getConfiguration(request.amphora)).haproxy).toBeUndefined();
      expect(await driver.getStats(request)).toEqual([]);
      expect((await driver.getDiagnostics(request.amphora)).loadBalancers).toEqual([]);
    });

    it.each([
      [
        'a listener whose default pool is not in the tree',
        (tree: LoadBalancerTree) => tree.pools.splice(0, 1),
        /unable to find required default_backend/,
      ],
      [
        'an L7 policy that sends requests to a pool not in the tree',
        (tree: LoadBalancerTree) => addRedirectToPool(tree, randomUUID()),
        /unable to find required use_backend/,
      ],
    ])('refuses %s, non-retryably, and keeps the old configuration running', async (_label, breakTree, alert) => {
      const request = await single((id) => webTree(id));
      await driver.updateAmphoraListeners(request);
      const before = await driver.getConfiguration(request.amphora);
      const broken = structuredClone(request.loadBalancer.tree);
      breakTree(broken);
      const err = await rejectionOf(driver.updateAmphoraListeners(withTree(request, broken)));
      expect(err).toBeInstanceOf(AmphoraConfigRejectedError);
      expect(err).toMatchObject({ retryable: false, service: 'haproxy', amphoraId: request.amphora.id });
      expect(err.checkerOutput).toMatch(alert);
      expect(err.message).toContain(amphoraName(request.amphora.id));
      expect(await driver.getConfiguration(request.amphora)).toEqual(before);
      expect((await driver.getDiagnostics(request.amphora)).loadBalancers).toEqual([request.loadBalancer.id]);
    });

    it.each(['reload', 'start'] as const)(
      'raises a non-retryable AmphoraNotConfiguredError on %s before any configuration was applied',
      async (method) => {
        const request = await single((id) => webTree(id));
        const err = await rejectionOf(driver[method](request));
        expect(err).toBeInstanceOf(AmphoraNotConfiguredError);
        expect(err).toMatchObject({ retryable: false, service: 'haproxy' });
        expect(err.message).toMatch(/updateAmphoraListeners/);
      },
    );

    it('reloads and starts an applied configuration without changing it', async () => {
      const request = await single((id) => webTree(id));
      await driver.updateAmphoraListeners(request);
      const applied = await driver.getConfiguration(request.amphora);
      await driver.reload(request);
      await driver.start(request);
      await driver.start(request);
      expect(await driver.getConfiguration(request.amphora)).toEqual(applied);
      expect((await driver.getDiagnostics(request.amphora)).loadBalancers).toEqual([request.loadBalancer.id]);
    });

    it('names itself amphora-<id> and reports its versions', async () => {
      const { amphora } = await single(() => emptyTree());
      const info = await driver.getInfo(amphora);
      expect(info.hostname).toBe(amphoraName(amphora.id));
      expect(info.haproxyVersion).toMatch(/^\d+\.\d+/);
      expect(info.apiVersion).toMatch(/^\d+\.\d+/);
    });

    it('configures the VIP interface after postVipPlug and finalizes idempotently', async () => {
      const request = await single((id) => webTree(id));
      await driver.finalizeAmphora(request.amphora);
      await driver.finalizeAmphora(request.amphora);
      await driver.postVipPlug(request);
      await driver.postVipPlug(request);
      expect((await driver.getDiagnostics(request.amphora)).interfaces).toEqual([request.loadBalancer.vip.networkId]);
    });

    it('keeps each plugged member network once and forgets unplugged ones, idempotently', async () => {
      const { amphora } = await single(() => emptyTree());
      for (const networkId of ['member-net-a', 'member-net-b', 'member-net-a']) {
        await driver.postNetworkPlug({ amphora, networkId, ipAddress: '198.51.100.7' });
      }
      expect((await driver.getConfiguration(amphora)).networks).toEqual(['member-net-a', 'member-net-b']);
      await driver.postNetworkUnplug({ amphora, networkId: 'member-net-a' });
      await driver.postNetworkUnplug({ amphora, networkId: 'member-net-a' });
      await driver.postNetworkUnplug({ amphora, networkId: 'never-plugged' });
      expect((await driver.getConfiguration(amphora)).networks).toEqual(['member-net-b']);
    });

    it('configures keepalived on each amphora of an ACTIVE_STANDBY pair and starts it', async () => {
      const loadBalancerId = randomUUID();
      const pair = [
        await subject.makeAmphora(loadBalancerId, 'MASTER'),
        await subject.makeAmphora(loadBalancerId, 'BACKUP'),
      ];
      const loadBalancer = amphoraLoadBalancer(pair, webTree(loadBalancerId), 'ACTIVE_STANDBY', loadBalancerId);
      for (const amphora of pair) {
        const request = { amphora, loadBalancer };
        const err = await rejectionOf(driver.startVrrpService(request));
        expect(err).toBeInstanceOf(AmphoraNotConfiguredError);
        expect(err).toMatchObject({ retryable: false, service: 'keepalived' });
        await driver.updateVrrpConfiguration(request);
        expect((await driver.getConfiguration(amphora)).keepalived).toBe(
          renderKeepalivedConfig({ ...request, paths: subject.pathsOf?.(request.amphora) }),
        );
        expect((await driver.getDiagnostics(amphora)).keepalived).toBe('stopped');
        await driver.startVrrpService(request);
        await driver.startVrrpService(request);
        expect((await driver.getDiagnostics(amphora)).keepalived).toBe('running');
      }
    });

    it('runs no keepalived on a SINGLE amphora without UDP listeners', async () => {
      const request = await single((id) => webTree(id));
      await driver.updateVrrpConfiguration(request);
      expect((await driver.getConfiguration(request.amphora)).keepalived).toBeUndefined();
      expect((await driver.getDiagnostics(request.amphora)).keepalived).toBe('absent');
      expect(await rejectionOf(driver.startVrrpService(request))).toBeInstanceOf(AmphoraNotConfiguredError);
    });

    unreachableContract(() => subject);
  });
}
