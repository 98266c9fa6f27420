import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AllocateVipError,
  ComputeBuildError,
  ComputeError,
  InstanceNotFoundError,
  NetworkError,
} from '../../../src/drivers';
import { withCallSignal } from '../../../src/drivers/call-signal';
import { vipPortName } from '../../../src/models';
import { eventually, rejectionOf } from '../expect-error';
import { SEED } from './fake/seed';
import { startTestbed, type Testbed } from './testbed';

/** Holds a port of 127.0.0.1 (so no other server gets it) until `release`, after which nothing listens there. */
async function reservePort(): Promise<{ port: number; release: () => Promise<void> }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { port, release: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('OpenStack resilience: retries, timeouts, the circuit breaker and lost responses', () => {
  let bed: Testbed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  const networkGets = (current: Testbed) =>
    current.cloud.seen({ service: 'network', method: 'GET' }).map((request) => request.status);

  it('retries an idempotent call through a short burst of 5xx, and succeeds', async () => {
    bed = await startTestbed();
    bed.cloud.misbehave({ service: 'network', method: 'GET' }, { kind: 'fail', status: 503 }, 2);
    await expect(bed.drivers.network.getNetwork(SEED.vipNetworkId)).resolves.toMatchObject({ id: SEED.vipNetworkId });
    expect(networkGets(bed)).toEqual([503, 503, 200]);
    expect(bed.log.entries.filter((entry) => /retrying/.test(entry.message))).toHaveLength(2);
  });

  it('gives up after the configured retries with a retryable error that says what answered', async () => {
    bed = await startTestbed();
    bed.cloud.misbehave({ service: 'network', method: 'GET' }, { kind: 'fail', status: 502, html: true }, 3);
    const err = await rejectionOf(bed.drivers.network.getNetwork(SEED.vipNetworkId));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain(`Reading network ${SEED.vipNetworkId} failed`);
    expect(err.message).toContain('502: "502 Bad Gateway The server returned an invalid response."');
    expect(networkGets(bed)).toEqual([502, 502, 502]);
  });

  it('never retries a POST, which may have acted before it failed', async () => {
    bed = await startTestbed();
    bed.cloud.misbehave({ service: 'compute', method: 'POST', path: /^\/servers$/ }, { kind: 'fail', status: 500 });
    const name = 'amphora-post-once';
    const err = await rejectionOf(bed.drivers.compute.build({ name, networkIds: [SEED.managementNetworkId] }));
    expect(err).toBeInstanceOf(ComputeBuildError);
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/Amphora build failed for amphora-post-once: compute fault 500/);
    expect(bed.cloud.seen({ service: 'compute', method: 'POST' })).toHaveLength(1);
    await expect(bed.drivers.compute.build({ name, networkIds: [SEED.managementNetworkId] })).resolves.toBeTruthy();
  });

  it('times out a slow answer and retries it when the call is idempotent', async () => {
    bed = await startTestbed({ env: { AMPHORA_OS_TIMEOUT_MS: '400' } });
    bed.cloud.misbehave({ service: 'network', method: 'GET' }, { kind: 'delay', ms: 1_000 });
    await expect(bed.drivers.network.getNetwork(SEED.vipNetworkId)).resolves.toMatchObject({ id: SEED.vipNetworkId });
    expect(bed.cloud.seen({ service: 'network', method: 'GET' })).toHaveLength(2);
    expect(bed.log.entries.some((entry) => entry.fields.code === 'ECONNABORTED')).toBe(true);
  });

  it('stops a call whose caller gave up, and retries it no more', async () => {
    bed = await startTestbed();
    bed.cloud.misbehave({ service: 'network', method: 'GET' }, { kind: 'delay', ms: 2_000 }, 5);
    const caller = new AbortController();
    const call = withCallSignal(caller.signal, () => bed?.drivers.network.getNetwork(SEED.vipNetworkId));
    await sleep(200);
    caller.abort();
    const err = await rejectionOf(call ?? Promise.resolve());
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.retryable).toBe(true);
    // Without the signal the client would go on retrying the idempotent GET after each slow answer.
    await sleep(2_500);
    expect(bed.cloud.seen({ service: 'network', method: 'GET' })).toHaveLength(1);
  });

  it('fails a timed-out create as retryable, and the retry finds the port the slow create made', async () => {
    const current = await startTestbed({ env: { AMPHORA_OS_TIMEOUT_MS: '400' } });
    bed = current;
    const loadBalancerId = 'lb-slow-create';
    current.cloud.misbehave({ service: 'network', method: 'POST', path: /ports$/ }, { kind: 'delay', ms: 800 });
    const err = await rejectionOf(current.drivers.network.allocateVip({ loadBalancerId, subnetId: SEED.vipSubnetId }));
    expect(err).toBeInstanceOf(AllocateVipError);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('it may or may not have acted');
    // The fake finishes the create it was slow to answer.
    const made = () =>
      [...current.cloud.state.ports.values()].some((port) => port.name === vipPortName(loadBalancerId));
    await eventually(() => Promise.resolve(made() || undefined));
    const vip = await current.drivers.network.allocateVip({ loadBalancerId, subnetId: SEED.vipSubnetId });
    const named = [...current.cloud.state.ports.values()].filter((port) => port.name === vipPortName(loadBalancerId));
    expect(named.map((port) => port.id)).toEqual([vip.portId]);
  });

  it('does not make a second server when a build whose response was lost is retried', async () => {
    bed = await startTestbed();
    const name = 'amphora-lost-response';
    bed.cloud.misbehave({ service: 'compute', method: 'POST', path: /^\/servers$/ }, { kind: 'drop-response' });
    const err = await rejectionOf(bed.drivers.compute.build({ name, networkIds: [SEED.managementNetworkId] }));
    expect(err).toBeInstanceOf(ComputeError);
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/no answer from Nova to POST \/servers \(ECONNRESET\); it may or may not have acted/);
    const made = [...bed.cloud.state.servers.values()].filter((server) => server.name === name);
    expect(made).toHaveLength(1);

    const computeId = await bed.drivers.compute.build({ name, networkIds: [SEED.managementNetworkId] });

    expect(computeId).toBe(made[0]?.id);
    expect([...bed.cloud.state.servers.values()].filter((server) => server.name === name)).toHaveLength(1);
    expect(bed.cloud.seen({ service: 'compute', method: 'POST', path: /^\/servers$/ })).toHaveLength(1);
    expect((await bed.drivers.compute.listInstances(name)).map((instance) => instance.computeId)).toEqual([computeId]);
  });

  it('does not make a second VIP port when an allocation whose response was lost is retried', async () => {
    bed = await startTestbed();
    const loadBalancerId = 'lb-lost-response';
    bed.cloud.misbehave({ service: 'network', method: 'POST', path: /ports$/ }, { kind: 'drop-response' });
    await expect(bed.drivers.network.allocateVip({ loadBalancerId, subnetId: SEED.vipSubnetId })).rejects.toMatchObject(
      {
        name: 'AllocateVipError',
        retryable: true,
      },
    );
    const vip = await bed.drivers.network.allocateVip({ loadBalancerId, subnetId: SEED.vipSubnetId });
    const named = [...bed.cloud.state.ports.values()].filter((port) => port.name === vipPortName(loadBalancerId));
    expect(named.map((port) => port.id)).toEqual([vip.portId]);
  });

  it('opens the breaker after consecutive 5xx, fails fast while open, and closes once the service recovers', async () => {
    bed = await startTestbed({
      env: { AMPHORA_OS_RETRIES: '0', AMPHORA_BREAKER_THRESHOLD: '3', AMPHORA_BREAKER_HALF_OPEN_MS: '500' },
    });
    const { compute, network } = bed.drivers;
    bed.cloud.misbehave({ service: 'compute' }, { kind: 'fail', status: 503 }, Infinity);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const err = await rejectionOf(compute.getAmphora({ id: 'any' }));
      expect(err).toMatchObject({ retryable: true });
      expect(err.message).toContain('503');
    }
    const openedAround = Date.now();

    const fast = await rejectionOf(compute.getAmphora({ id: 'any' }));
    expect(fast).toBeInstanceOf(ComputeError);
    expect(fast.retryable).toBe(true);
    expect(fast.message).toMatch(
      /circuit breaker for the OpenStack compute API is open after 3 consecutive failures .*calls fail fast until (\S+Z)/,
    );
    const until = Date.parse(/until (\S+Z)/.exec(fast.message)?.[1] ?? '');
    expect(until - openedAround).toBeGreaterThan(300);
    expect(until - openedAround).toBeLessThanOrEqual(500);
    expect(bed.cloud.seen({ service: 'compute' })).toHaveLength(3); // the fourth call never left
    await expect(network.getNetwork(SEED.vipNetworkId)).resolves.toBeDefined(); // one breaker per service

    bed.cloud.plan.clear(); // the service recovers
    await sleep(until - Date.now() + 20);
    await expect(compute.getAmphora({ id: 'any' })).rejects.toBeInstanceOf(InstanceNotFoundError);
    await expect(compute.getAmphora({ name: 'amphora-any' })).rejects.toBeInstanceOf(InstanceNotFoundError);
    expect(bed.cloud.seen({ service: 'compute' })).toHaveLength(5);
    const messages = bed.log.entries.map((entry) => `${entry.level} ${entry.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^error OpenStack circuit breaker opened/),
        expect.stringMatching(/^info OpenStack circuit breaker closed/),
      ]),
    );
  });

  it('opens the breaker again when the trial call fails', async () => {
    bed = await startTestbed({
      env: { AMPHORA_OS_RETRIES: '0', AMPHORA_BREAKER_THRESHOLD: '2', AMPHORA_BREAKER_HALF_OPEN_MS: '400' },
    });
    bed.cloud.misbehave({ service: 'network' }, { kind: 'fail', status: 500 }, Infinity);
    for (let attempt = 0; attempt < 2; attempt += 1) await rejectionOf(bed.drivers.network.getPort('p'));
    await sleep(450);
    expect((await rejectionOf(bed.drivers.network.getPort('p'))).message).toContain('500'); // the trial
    expect((await rejectionOf(bed.drivers.network.getPort('p'))).message).toContain('circuit breaker');
    expect(bed.cloud.seen({ service: 'network' })).toHaveLength(3);
  });

  it('treats a refused connection as transient', async () => {
    const reserved = await reservePort();
    bed = await startTestbed({
      env: { AMPHORA_NEUTRON_ENDPOINT: `http://127.0.0.1:${reserved.port}`, AMPHORA_OS_RETRIES: '1' },
    });
    await reserved.release();
    const err = await rejectionOf(bed.drivers.network.getNetwork(SEED.vipNetworkId));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('ECONNREFUSED');
  });
});

describe('malformed API answers', () => {
  let bed: Testbed;
  beforeEach(async () => {
    bed = await startTestbed();
  });
  afterEach(() => bed.close());

  const dropping =
    (path: string[]) =>
    (body: unknown): unknown => {
      let target = body as Record<string, unknown>;
      for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
      delete target[path[path.length - 1] ?? ''];
      return body;
    };

  it('fails a Nova answer without a server status with a non-retryable error naming the field', async () => {
    const computeId = await bed.drivers.compute.build({
      name: 'amphora-malformed',
      networkIds: [SEED.managementNetworkId],
    });
    bed.cloud.misbehave(
      { service: 'compute', path: new RegExp(computeId) },
      { kind: 'malform', rewrite: dropping(['server', 'status']) },
    );
    const err = await rejectionOf(bed.drivers.compute.getAmphora({ id: computeId }));
    expect(err).toBeInstanceOf(ComputeError);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('has no valid field server.status');
    expect(bed.log.entries.some((entry) => entry.level === 'error' && entry.fields.field === 'server.status')).toBe(
      true,
    );
  });

  it('names the field of a list entry, and of a Neutron port', async () => {
    bed.cloud.misbehave(
      { service: 'compute', path: /servers\/detail/ },
      {
        kind: 'malform',
        rewrite: () => ({ servers: [{ name: 'amphora-1', status: 'ACTIVE' }] }),
      },
    );
    expect((await rejectionOf(bed.drivers.compute.listInstances('amphora-'))).message).toContain('servers.0.id');

    const port = bed.cloud.userPort(SEED.vipNetworkId);
    bed.cloud.misbehave({ service: 'network' }, { kind: 'malform', rewrite: dropping(['port', 'network_id']) });
    const err = await rejectionOf(bed.drivers.network.getPort(port.id));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('port.network_id');
  });
});
