import { healthSettingsSignal, type HealthSettings } from '../../src/contracts';
import type { LoadBalancerController } from '../../src/controller/load-balancers';
import { eventually } from '../drivers/expect-error';
import { createRequest, type Orchestrator } from '../workflows/orchestrator';
import { useApiBed } from './api-bed';
import { HeartbeatFleet } from './health-fleet';

/**
 * The health manager on the noop drivers, with heartbeats written straight into the worker's store (a listener's
 * job, tested on its own): silence past the timeout is failed over once through the entity; a busy load balancer
 * waits its turn; more silent amphorae than the threshold open the breaker (FAILOVER_STOPPED, none failed over);
 * a stopped amphora heard again is resumed, and an operator's failover replaces one.
 */
const LOAD_BALANCERS = 6;
const SETTINGS: HealthSettings = { heartbeatTimeoutMs: 800, checkIntervalMs: 100, failoverThreshold: 2 };

const bed = useApiBed();
const call = (method: string, path: string) => bed().as('operator')(method, path);
let orchestrator: Orchestrator;
let fleet: HeartbeatFleet;
let controller: LoadBalancerController;
const status = () => fleet.status();
const manager = () => fleet.manager();
const amphorae = () => fleet.amphorae();
const statusOf = (amphoraId: string) => fleet.statusOf(amphoraId);
const silence = (chosen: { id: string }[]) => fleet.silence(chosen);
const settled = (loadBalancerId: string) => fleet.settled(loadBalancerId);

beforeAll(async () => {
  orchestrator = bed().orchestrator;
  fleet = new HeartbeatFleet(orchestrator);
  controller = fleet.controller;
  await fleet.create(LOAD_BALANCERS);
  await fleet.start(SETTINGS);
}, 60_000);

afterAll(() => fleet.stop());

describe('health manager', () => {
  it('watches every serving amphora and leaves beating ones alone', async () => {
    await eventually(async () => ((await status()).watched === LOAD_BALANCERS ? true : undefined), 10_000);
    await new Promise((resolve) => setTimeout(resolve, SETTINGS.heartbeatTimeoutMs * 2));
    const now = await status();
    expect(now.failoversStarted).toBe(0);
    expect(now.breaker).toMatchObject({ state: 'CLOSED', silent: 0 });
  });

  it('opens the breaker when more amphorae than the threshold go silent at once: none is failed over', async () => {
    const chosen = (await amphorae()).slice(0, 3);
    await silence(chosen);
    await eventually(async () => {
      const statuses = await Promise.all(chosen.map((amphora) => statusOf(amphora.id)));
      return statuses.every((value) => value === 'FAILOVER_STOPPED') ? true : undefined;
    }, 15_000);
    const now = await status();
    expect(now.breaker).toMatchObject({ state: 'OPEN', silent: 3, threshold: 2, trips: 1 });
    expect(now.failoversStarted).toBe(0);
    expect(now.recent.filter((action) => action.outcome === 'failover stopped')).toHaveLength(3);

    // Operators see it in the API: the breaker, and the amphorae it stopped.
    const shown = await call('GET', '/v2/octavia/healthmanager');
    expect(shown.status).toBe(200);
    expect(shown.body.healthmanager).toMatchObject({
      running: true,
      answered: true,
      breaker: { state: 'OPEN', threshold: 2, silent_amphorae: 3, trips: 1 },
      heartbeat_timeout_ms: SETTINGS.heartbeatTimeoutMs,
      failovers_started: 0,
    });
    expect(
      [...(shown.body.healthmanager as { failover_stopped_amphorae: string[] }).failover_stopped_amphorae].sort(),
    ).toEqual(chosen.map((amphora) => amphora.id).sort());
    const listed = await call('GET', `/v2/octavia/amphorae?loadbalancer_id=${chosen[0]?.loadBalancerId}`);
    expect((listed.body.amphorae as { status: string }[]).map((amphora) => amphora.status)).toEqual([
      'FAILOVER_STOPPED',
    ]);
  });

  it('resumes a stopped amphora that is heard again, without failing it over', async () => {
    const stopped = (await amphorae()).filter((amphora) => amphora.status === 'FAILOVER_STOPPED');
    const back = stopped[0];
    if (!back) throw new Error('no stopped amphora');
    fleet.silenced.delete(back.id);
    await eventually(async () => ((await statusOf(back.id)) === 'ALLOCATED' ? true : undefined), 15_000);
    expect((await status()).failoversStarted).toBe(0);
  });

  it('leaves the rest FAILOVER_STOPPED once the breaker closes, until an operator fails one over', async () => {
    await eventually(async () => ((await status()).breaker.state === 'CLOSED' ? true : undefined), 15_000);
    const stopped = (await amphorae()).filter((amphora) => amphora.status === 'FAILOVER_STOPPED');
    expect(stopped).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, SETTINGS.heartbeatTimeoutMs));
    expect((await status()).failoversStarted).toBe(0);

    const [resumed] = stopped;
    if (!resumed) throw new Error('no stopped amphora');
    expect((await call('PUT', `/v2/octavia/amphorae/${resumed.id}/failover`)).status).toBe(202);
    const record = await settled(resumed.loadBalancerId);
    expect(record.amphorae.map((amphora) => amphora.id)).not.toContain(resumed.id);
    expect(record.amphorae.map((amphora) => amphora.status)).toEqual(['ALLOCATED']);
  });

  it('fails over each silent amphora once when the silent ones stay within the threshold', async () => {
    await manager().signal(healthSettingsSignal, { ...SETTINGS, failoverThreshold: 10 });
    // Silence only once the manager runs with the new threshold: a look with the old one would open the breaker.
    await eventually(async () => ((await status()).settings.failoverThreshold === 10 ? true : undefined));
    const serving = (await amphorae()).filter(
      (amphora) => amphora.status === 'ALLOCATED' && !fleet.silenced.has(amphora.id),
    );
    const chosen = serving.slice(0, 2);
    const before = (await status()).failoversStarted;
    await silence(chosen);
    for (const amphora of chosen) {
      await eventually(async () => {
        const ids = (await amphorae()).map((candidate) => candidate.id);
        return !ids.includes(amphora.id) ? true : undefined;
      }, 20_000);
      await settled(amphora.loadBalancerId);
    }
    // Twice the timeout later, still exactly one failover each: the replacements beat, the old silences are gone.
    await new Promise((resolve) => setTimeout(resolve, SETTINGS.heartbeatTimeoutMs * 2));
    const now = await status();
    expect(now.failoversStarted - before).toBe(2);
    expect(now.breaker.state).toBe('CLOSED');
  });

  it('waits while the load balancer is busy with another operation, and never fails over what it replaced', async () => {
    const [target] = (await amphorae()).filter(
      (amphora) => amphora.status === 'ALLOCATED' && !fleet.silenced.has(amphora.id),
    );
    if (!target) throw new Error('no serving amphora');
    const before = (await status()).failoversStarted;
    // An operator's failover whose build lands 2 s late: the load balancer stays PENDING_UPDATE meanwhile.
    orchestrator.drivers.faults.setPlan({ rules: [{ method: 'build', call: 1, mode: 'late', hangMs: 2_000 }] });
    await silence([target]);
    await controller.failoverAmphora(target.id);
    await eventually(async () => {
      const waiting = (await status()).recent.find(
        (action) => action.amphoraId === target.id && action.outcome === 'waiting: load balancer busy',
      );
      return waiting ? true : undefined;
    }, 15_000);
    const record = await settled(target.loadBalancerId);
    orchestrator.drivers.faults.setPlan({ rules: [] });
    expect(record.amphorae.map((amphora) => amphora.id)).not.toContain(target.id);
    await new Promise((resolve) => setTimeout(resolve, SETTINGS.heartbeatTimeoutMs));
    expect((await status()).failoversStarted).toBe(before);
  });

  it('never fails over an amphora it never heard, and reports it', async () => {
    const before = (await status()).failoversStarted;
    const request = createRequest({ topology: 'SINGLE' });
    fleet.mute.add(request.loadBalancerId);
    fleet.adopt(request.loadBalancerId);
    await controller.create(request);
    const record = await settled(request.loadBalancerId);
    const [deaf] = record.amphorae;
    if (!deaf) throw new Error('no amphora');
    const reported = await eventually(async () => {
      const now = await status();
      return now.neverHeard.sample.includes(deaf.id) ? now : undefined;
    }, 15_000);
    expect(reported.neverHeard.count).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, SETTINGS.heartbeatTimeoutMs));
    expect((await status()).failoversStarted).toBe(before);
    expect(await statusOf(deaf.id)).toBe('ALLOCATED');
    const shown = await call('GET', '/v2/octavia/healthmanager');
    expect(shown.body.healthmanager).toMatchObject({ never_heard_amphorae: { count: 1, sample: [deaf.id] } });
  });
});
