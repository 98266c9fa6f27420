import { healthManagerWorkflowId, healthStatusQuery, type HealthManagerStatus } from '../../src/contracts';
import { roundRobinCheck, startProbe, type Probe } from '../../src/drivers/local/traffic';
import { eventually } from '../drivers/expect-error';
import { expectNoFailuresOutsideFailovers, recordDataplane } from './report';
import {
  amphoraeOf,
  createWebLoadBalancer,
  deleteWebLoadBalancer,
  killAmphora,
  type WebLoadBalancer,
} from './scenario';
import { useLocalWorld, type WorldHealth } from './world';

/**
 * The health manager on the local data plane: the agents send signed heartbeats to a listener in the fabric, and an
 * amphora whose namespace dies is failed over with no one calling the API. Short intervals keep the test quick; the
 * rules are the production ones. The timeout is twelve intervals: on a loaded machine (the full suite on two cores) an
 * agent's heartbeats can be held back seconds, and a 3 s timeout once failed over a healthy amphora in CI.
 */
const HEALTH: WorldHealth = { heartbeatIntervalMs: 500, heartbeatTimeoutMs: 6_000, checkIntervalMs: 250 };
/** A node of Octavia's status tree, as much as these tests read. */
interface StatusNode {
  operating_status: string;
  listeners?: StatusNode[];
  pools?: StatusNode[];
  members?: StatusNode[];
}

const world = useLocalWorld('hm', {}, HEALTH);
let lb: WebLoadBalancer;

const managerStatus = () =>
  world()
    .temporal.client.workflow.getHandle(healthManagerWorkflowId(world().taskQueue))
    .query<HealthManagerStatus>(healthStatusQuery);

/** Ends the probe's failover window once the VIP answers again, then stops it a second later. */
async function endOnceAnswering(probe: Probe) {
  const answered = probe.report().succeeded;
  await eventually(() => Promise.resolve(probe.report().succeeded > answered + 5 ? true : undefined), 20_000, 20);
  probe.markFailoverEnd();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return probe.stop();
}

describe('data plane, health manager', () => {
  it("records a serving amphora's heartbeats, with its haproxy's view of the members", async () => {
    lb = await createWebLoadBalancer(world(), { topology: 'SINGLE', memberNames: ['m1', 'm2'] });
    const [amphora] = await amphoraeOf(world(), lb.id);
    if (!amphora) throw new Error('no amphora');
    const heartbeats = world().heartbeats;
    if (!heartbeats) throw new Error('the world runs no health manager');
    const members = await eventually(async () => {
      const last = heartbeats.last(amphora.id);
      const members = last?.heartbeat.pools[lb.poolId]?.members ?? {};
      return Promise.resolve(Object.keys(members).length === 2 ? members : undefined);
    }, 15_000);
    // No health monitor: haproxy checks nothing, and says so (Octavia's NO_MONITOR).
    expect(Object.values(members)).toEqual(['no check', 'no check']);
    // The API's operating statuses are the data plane's.
    const { body } = await world().call('GET', `/v2/lbaas/loadbalancers/${lb.id}/status`);
    const tree = (body as { statuses: { loadbalancer: StatusNode } }).statuses.loadbalancer;
    expect(tree.operating_status).toBe('ONLINE');
    expect(tree.listeners?.[0]?.operating_status).toBe('ONLINE');
    expect(tree.listeners?.[0]?.pools?.[0]?.operating_status).toBe('ONLINE');
    expect(tree.listeners?.[0]?.pools?.[0]?.members?.map((member) => member.operating_status)).toEqual([
      'NO_MONITOR',
      'NO_MONITOR',
    ]);
  });

  it('replaces an amphora whose namespace died, with no one calling the API, and traffic flows again', async () => {
    const [dead] = await amphoraeOf(world(), lb.id);
    if (!dead) throw new Error('no amphora');
    const probe = startProbe({ dial: world().client.dial, url: `http://${lb.vip}/`, intervalMs: 20, timeoutMs: 1_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    probe.markFailoverStart();
    const killedAt = Date.now();
    await killAmphora(world(), dead.compute_id);
    // A dead amphora is never reported healthy: once its heartbeats are past the timeout, the load balancer is ERROR.
    await eventually(async () => {
      const { body } = await world().call('GET', `/v2/lbaas/loadbalancers/${lb.id}`);
      return (body.loadbalancer as { operating_status: string }).operating_status === 'ERROR' ? true : undefined;
    }, 15_000);

    const started = await eventually(async () => {
      const action = (await managerStatus()).recent.find(
        (candidate) => candidate.amphoraId === dead.id && candidate.outcome === 'failover started',
      );
      return action;
    }, 30_000);
    const replaced = await eventually(async () => {
      const amphorae = await amphoraeOf(world(), lb.id);
      const { body } = await world().call('GET', `/v2/lbaas/loadbalancers/${lb.id}`);
      const status = (body.loadbalancer as { provisioning_status: string }).provisioning_status;
      return status === 'ACTIVE' && !amphorae.some((amphora) => amphora.id === dead.id) ? amphorae : undefined;
    }, 60_000);
    const report = await endOnceAnswering(probe);

    const detectionMs = Date.parse(started.at) - killedAt;
    recordDataplane({
      requests: report.sent,
      failedOutsideFailovers: report.failedOutsideFailovers,
      gap: {
        scenario: `SINGLE amphora killed, failed over by the health manager: ${report.sent} requests, ${report.failed} failed`,
        ms: report.longestGapMs,
      },
      figure: {
        name: 'health manager detection',
        value: `failover started ${detectionMs} ms after the kill (heartbeat timeout ${HEALTH.heartbeatTimeoutMs} ms, interval ${HEALTH.heartbeatIntervalMs} ms)`,
      },
    });
    expect(replaced).toHaveLength(1);
    await eventually(async () => {
      const { body } = await world().call('GET', `/v2/lbaas/loadbalancers/${lb.id}`);
      return (body.loadbalancer as { operating_status: string }).operating_status === 'ONLINE' ? true : undefined;
    }, 15_000);
    expectNoFailuresOutsideFailovers(report);
    expect(detectionMs).toBeGreaterThanOrEqual(HEALTH.heartbeatTimeoutMs - HEALTH.heartbeatIntervalMs);
    const order = await roundRobinCheck(world().client.dial, `http://${lb.vip}/`, 4);
    expect(new Set(order)).toEqual(new Set(['m1', 'm2']));
  });

  it('fails over once per silence: the replacement is watched and left alone while it beats', async () => {
    const [replacement] = await amphoraeOf(world(), lb.id);
    if (!replacement) throw new Error('no amphora');
    // Well past the timeout: had the manager acted on the old silence again, or on the replacement, it would show.
    await eventually(async () => {
      const last = world().heartbeats?.last(replacement.id);
      return Promise.resolve(last && Date.now() - last.receivedAt < HEALTH.heartbeatIntervalMs * 2 ? true : undefined);
    }, 15_000);
    await new Promise((resolve) => setTimeout(resolve, HEALTH.heartbeatTimeoutMs + 1_000));
    const status = await managerStatus();
    expect(status.failoversStarted).toBe(1);
    expect(status.breaker.state).toBe('CLOSED');
    expect((await amphoraeOf(world(), lb.id)).map((amphora) => amphora.id)).toEqual([replacement.id]);
  });

  it('replaces a dead ACTIVE_STANDBY MASTER by itself while the BACKUP serves', async () => {
    const pair = await createWebLoadBalancer(world(), { topology: 'ACTIVE_STANDBY', memberNames: ['p1', 'p2'] });
    try {
      const master = (await amphoraeOf(world(), pair.id)).find((amphora) => amphora.role === 'MASTER');
      if (!master) throw new Error('no MASTER amphora');
      const before = (await managerStatus()).failoversStarted;
      // Only an amphora the manager heard can fall silent: wait for the MASTER's first recorded heartbeat.
      await eventually(() => Promise.resolve(world().heartbeats?.last(master.id) ? true : undefined), 15_000);
      const probe = startProbe({
        dial: world().client.dial,
        url: `http://${pair.vip}/`,
        intervalMs: 20,
        timeoutMs: 1_000,
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      probe.markFailoverStart();
      await killAmphora(world(), master.compute_id);
      const replaced = await eventually(async () => {
        const amphorae = await amphoraeOf(world(), pair.id);
        const { body } = await world().call('GET', `/v2/lbaas/loadbalancers/${pair.id}`);
        const status = (body.loadbalancer as { provisioning_status: string }).provisioning_status;
        return status === 'ACTIVE' && amphorae.length === 2 && !amphorae.some((amphora) => amphora.id === master.id)
          ? amphorae
          : undefined;
      }, 60_000);
      const report = await endOnceAnswering(probe);
      recordDataplane({
        requests: report.sent,
        failedOutsideFailovers: report.failedOutsideFailovers,
        gap: {
          scenario: `ACTIVE_STANDBY MASTER killed, replaced by the health manager: ${report.sent} requests, ${report.failed} failed`,
          ms: report.longestGapMs,
        },
      });
      expect(replaced.map((amphora) => amphora.role).sort()).toEqual(['BACKUP', 'MASTER']);
      expectNoFailuresOutsideFailovers(report);
      // Only the dead MASTER, and only once: the BACKUP kept beating while it took the VIP and was reconfigured, and the
      // replacement is left alone while it beats. Watched for a heartbeat timeout past the failover, the actions named
      // by role, so that a failure says which amphora was acted on.
      await new Promise((resolve) => setTimeout(resolve, HEALTH.heartbeatTimeoutMs + 1_000));
      const status = await managerStatus();
      const roles = new Map<string, string>([
        [master.id, 'the dead MASTER'],
        ...replaced.map((amphora): [string, string] => [amphora.id, `the ${amphora.role} now`]),
      ]);
      const actions = status.recent
        .filter((action) => action.loadBalancerId === pair.id)
        .map((action) => `${action.outcome}: ${roles.get(action.amphoraId) ?? action.amphoraId}`);
      expect(actions).toEqual(['failover started: the dead MASTER']);
      const { body } = await world().call('GET', `/v2/lbaas/loadbalancers/${pair.id}`);
      expect((body.loadbalancer as { provisioning_status: string }).provisioning_status).toBe('ACTIVE');
      // And none elsewhere: the SINGLE load balancer's amphora beat on. (Before the fabric's bridges had MAC addresses
      // of their own, the dead MASTER's port could take the management gateway's address with it, and any amphora
      // fell silent for seconds.)
      expect(status.failoversStarted - before).toBe(1);
    } finally {
      await deleteWebLoadBalancer(world(), pair);
    }
  });

  it('leaves the fabric as it started once the load balancer is deleted', async () => {
    await deleteWebLoadBalancer(world(), lb);
    const inventory = await world().drivers.fabric.inventory();
    recordDataplane({ leaked: JSON.stringify(inventory) === JSON.stringify(world().baseline) ? 0 : 1 });
    expect(inventory).toEqual(world().baseline);
  });
});
