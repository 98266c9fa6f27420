import { randomUUID } from 'node:crypto';
import {
  ComputeBuildError,
  createNoopDrivers,
  FaultInjector,
  PlugVipError,
  type NoopDrivers,
} from '../../../src/drivers';
import { amphoraName } from '../../../src/models';
import { eventually, rejectionOf } from '../expect-error';

describe('noop fault injection', () => {
  let drivers: NoopDrivers;
  beforeEach(() => {
    drivers = createNoopDrivers({ buildDelayMs: 10 });
  });
  afterEach(() => drivers.close());

  const build = (name = amphoraName(randomUUID())) => drivers.compute.build({ name, networkIds: ['lb-mgmt-net'] });
  const servers = () => drivers.inventory().filter((item) => item.kind === 'server');

  it('fails call N before its side effect: nothing is created', async () => {
    drivers.faults.setPlan({ rules: [{ method: 'build', call: 2, mode: 'before' }] });
    await build();
    const err = await rejectionOf(build());
    expect(err).toBeInstanceOf(ComputeBuildError);
    expect(err.message).toMatch(/Injected permanent fault in build \(call 2, before its side effect\)/);
    expect(err.retryable).toBe(false);
    expect(servers()).toHaveLength(1);
    await build();
    expect(servers()).toHaveLength(2);
  });

  it('fails after its side effect (a lost response): the instance exists and a retry finds it', async () => {
    drivers.faults.setPlan({ rules: [{ method: 'build', call: 1, mode: 'after', transient: true }] });
    const name = amphoraName(randomUUID());
    const err = await rejectionOf(build(name));
    expect(err.retryable).toBe(true);
    expect(servers().map((server) => server.name)).toEqual([name]);
    const computeId = await build(name);
    expect(servers()).toEqual([{ kind: 'server', id: computeId, name }]);
  });

  it('hangs after its side effect until released, then throws', async () => {
    drivers.faults.setPlan({ rules: [{ method: 'plugNetwork', call: 1, mode: 'hang', hangMs: 60_000 }] });
    const computeId = await build();
    let settled = false;
    const hung = drivers.network.plugNetwork({ computeId, networkId: 'member-net-a' }).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(settled).toBe(false);
    expect(drivers.inventory().filter((item) => item.kind === 'port')).toHaveLength(2);
    drivers.faults.releaseHangs();
    expect((await rejectionOf(hung)).message).toMatch(/hung after its side effect/);
  });

  it('builds an instance that goes to ERROR with a compute fault', async () => {
    drivers.faults.setPlan({
      rules: [{ method: 'build', call: 1, mode: 'instance-error', faultMessage: 'No valid host' }],
    });
    const computeId = await build();
    const failed = await eventually(async () => {
      const found = await drivers.compute.getAmphora({ id: computeId });
      return found.amphora.state === 'ERROR' ? found : undefined;
    });
    expect(failed.fault).toEqual({ code: 500, message: 'No valid host' });
    expect(await drivers.compute.status(computeId)).toBe('DOWN');
  });

  it('fires a rule several times when asked, then lets calls through', async () => {
    drivers.faults.setPlan({ rules: [{ method: 'plugVip', call: 1, times: 2, mode: 'before', transient: true }] });
    const loadBalancerId = randomUUID();
    const vip = await drivers.network.allocateVip({ loadBalancerId, subnetId: 'vip-subnet' });
    const computeId = await build();
    const amphorae = [{ id: randomUUID(), computeId, status: 'ALLOCATED' as const }];
    expect(await rejectionOf(drivers.network.plugVip({ loadBalancerId, vip, amphorae }))).toBeInstanceOf(PlugVipError);
    expect(await rejectionOf(drivers.network.plugVip({ loadBalancerId, vip, amphorae }))).toBeInstanceOf(PlugVipError);
    await expect(drivers.network.plugVip({ loadBalancerId, vip, amphorae })).resolves.toHaveLength(1);
  });

  it('targets one subject when asked', async () => {
    drivers.faults.setPlan({ rules: [{ method: 'build', call: 1, times: 100, subjectIncludes: 'doomed' }] });
    await build('amphora-fine');
    expect(await rejectionOf(build('amphora-doomed'))).toBeInstanceOf(ComputeBuildError);
  });

  it('counts every matching call for each rule, so two rules can fail the first and second call', () => {
    const injector = new FaultInjector({
      rules: [
        { method: 'build', call: 1, mode: 'after' },
        { method: 'build', call: 2, mode: 'hang' },
      ],
    });
    expect(injector.next('build')?.rule.mode).toBe('after');
    expect(injector.next('build')?.rule.mode).toBe('hang');
    expect(injector.next('build')).toBeUndefined();
  });

  it('draws probability faults deterministically from the seed', () => {
    const draws = (seed: number) => {
      const injector = new FaultInjector({ seed, rules: [{ method: '*', probability: 0.3 }] });
      return Array.from({ length: 200 }, (_, call) => (injector.next('build') ? call : -1)).filter((call) => call >= 0);
    };
    expect(draws(7)).toEqual(draws(7));
    expect(draws(7)).not.toEqual(draws(8));
    expect(draws(7).length).toBeGreaterThan(30);
    expect(draws(7).length).toBeLessThan(90);
  });

  it('rejects a rule with neither call nor probability', () => {
    expect(() => new FaultInjector({ rules: [{ method: 'build' }] })).toThrow(/needs `call` or `probability`/);
  });
});
