import { healthSettingsSignal, type HealthSettings } from '../../src/contracts';
import { eventually } from '../drivers/expect-error';
import { startOrchestrator, type Orchestrator } from '../workflows/orchestrator';
import { HeartbeatFleet } from './health-fleet';

/**
 * The bench's storm, small: 20 amphorae, 30 % of them silent at once. Below the threshold every silent one is
 * replaced, once; above it the breaker opens and none is. (The bench runs 1000.)
 */
const FLEET = 20;
const SILENT = 6;
const SETTINGS: HealthSettings = { heartbeatTimeoutMs: 800, checkIntervalMs: 100, failoverThreshold: SILENT - 1 };

let orchestrator: Orchestrator;
let fleet: HeartbeatFleet;

beforeAll(async () => {
  orchestrator = await startOrchestrator({ noop: { buildDelayMs: 50 } });
  fleet = new HeartbeatFleet(orchestrator);
  await fleet.create(FLEET);
  await fleet.start(SETTINGS);
  await eventually(async () => ((await fleet.status()).watched === FLEET ? true : undefined), 15_000);
}, 120_000);

afterAll(async () => {
  await fleet?.stop();
  await orchestrator?.stop();
});

describe('a storm of silent amphorae', () => {
  it('opens the breaker when 30 % go silent with the threshold below it: none is failed over', async () => {
    const chosen = (await fleet.amphorae()).slice(0, SILENT);
    await fleet.silence(chosen);
    await eventually(async () => {
      const statuses = await Promise.all(chosen.map((amphora) => fleet.statusOf(amphora.id)));
      return statuses.every((status) => status === 'FAILOVER_STOPPED') ? true : undefined;
    }, 20_000);
    const status = await fleet.status();
    expect(status.breaker).toMatchObject({ state: 'OPEN', silent: SILENT, trips: 1 });
    expect(status.failoversStarted).toBe(0);
  });

  it('replaces every one of them, once, with the threshold above 30 %', async () => {
    const stopped = (await fleet.amphorae()).filter((amphora) => amphora.status === 'FAILOVER_STOPPED');
    expect(stopped).toHaveLength(SILENT);
    // Heard again (the partition healed), they are resumed; then they fall silent with the breaker's room to act.
    stopped.forEach((amphora) => fleet.silenced.delete(amphora.id));
    await eventually(async () => {
      const statuses = await Promise.all(stopped.map((amphora) => fleet.statusOf(amphora.id)));
      return statuses.every((status) => status === 'ALLOCATED') ? true : undefined;
    }, 20_000);
    await fleet.manager().signal(healthSettingsSignal, { ...SETTINGS, failoverThreshold: FLEET / 2 });
    await eventually(async () => ((await fleet.status()).settings.failoverThreshold === FLEET / 2 ? true : undefined));
    await fleet.silence(stopped);
    const gone = new Set(stopped.map((amphora) => amphora.id));
    await eventually(async () => {
      const ids = (await fleet.amphorae()).map((amphora) => amphora.id);
      return ids.length === FLEET && !ids.some((id) => gone.has(id)) ? true : undefined;
    }, 60_000);
    await Promise.all(stopped.map((amphora) => fleet.settled(amphora.loadBalancerId)));
    await new Promise((resolve) => setTimeout(resolve, SETTINGS.heartbeatTimeoutMs * 2));
    const status = await fleet.status();
    expect(status.failoversStarted).toBe(SILENT);
    expect(status.breaker.state).toBe('CLOSED');
    expect(orchestrator.drivers.inventory().filter((item) => item.kind === 'server')).toHaveLength(FLEET);
  });
});
