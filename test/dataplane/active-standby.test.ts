import { roundRobinCheck, startProbe, type Probe } from '../../src/drivers/local/traffic';
import { eventually } from '../drivers/expect-error';
import { treeApi } from '../objects/tree-api';
import { expectNoFailuresOutsideFailovers, recordDataplane } from './report';
import {
  amphoraeOf,
  createWebLoadBalancer,
  deleteWebLoadBalancer,
  killAmphora,
  type WebLoadBalancer,
} from './scenario';
import { useLocalWorld } from './world';

/**
 * An ACTIVE_STANDBY load balancer on the local data plane: keepalived's VRRP moves the VIP to the BACKUP when the
 * MASTER dies, a failover replaces the dead amphora and another replaces a live one, all under a client's traffic.
 */
const world = useLocalWorld('pair');
let lb: WebLoadBalancer;

/**
 * Runs `during` while a probe sends requests, with the window marked as a failover: from the start of `during` until
 * the VIP answers again after it. The data plane converges after the API says ACTIVE (keepalived's master-down timer
 * runs on when the old MASTER's VIP port was unplugged), and those failures are the failover's.
 */
async function underTraffic(during: (probe: Probe) => Promise<void>) {
  const probe = startProbe({ dial: world().client.dial, url: `http://${lb.vip}/`, intervalMs: 20, timeoutMs: 1_000 });
  await new Promise((resolve) => setTimeout(resolve, 500));
  probe.markFailoverStart();
  await during(probe);
  const answered = probe.report().succeeded;
  await eventually(() => Promise.resolve(probe.report().succeeded > answered ? true : undefined), 20_000, 20);
  probe.markFailoverEnd();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return probe.stop();
}

describe('data plane, ACTIVE_STANDBY', () => {
  it('serves through the VIP from the MASTER, answering from both members in turn', async () => {
    lb = await createWebLoadBalancer(world(), { topology: 'ACTIVE_STANDBY', memberNames: ['m1', 'm2'] });
    recordDataplane({
      figure: {
        name: 'ACTIVE_STANDBY create',
        value: `ACTIVE in ${Math.round(lb.activeMs)} ms, first answer through the VIP ${Math.round(lb.firstAnswerMs)} ms after the POST`,
      },
    });
    const order = await roundRobinCheck(world().client.dial, `http://${lb.vip}/`, 8);
    recordDataplane({
      requests: order.length,
      failedOutsideFailovers: order.filter((who) => who.startsWith('!')).length,
    });
    expect(new Set(order)).toEqual(new Set(['m1', 'm2']));
    const roles = (await amphoraeOf(world(), lb.id)).map((amphora) => amphora.role).sort();
    expect(roles).toEqual(['BACKUP', 'MASTER']);
  });

  it('keeps serving from the BACKUP when the MASTER dies, with no one calling the API', async () => {
    const master = (await amphoraeOf(world(), lb.id)).find((amphora) => amphora.role === 'MASTER');
    if (!master) throw new Error('no MASTER amphora');
    const report = await underTraffic(async (probe) => {
      await killAmphora(world(), master.compute_id);
      // The BACKUP's keepalived takes the VIP once it misses the MASTER's adverts: answers come again.
      const answeredAtKill = probe.report().succeeded;
      await eventually(
        () => Promise.resolve(probe.report().succeeded > answeredAtKill + 5 ? true : undefined),
        20_000,
        50,
      );
    });
    recordDataplane({
      requests: report.sent,
      failedOutsideFailovers: report.failedOutsideFailovers,
      gap: {
        scenario: `ACTIVE_STANDBY, MASTER namespace killed: ${report.sent} requests, ${report.failed} failed`,
        ms: report.longestGapMs,
      },
    });
    expectNoFailuresOutsideFailovers(report);
    expect(report.succeeded).toBeGreaterThan(0);
  });

  it('replaces the dead amphora through a failover while serving', async () => {
    const dead = (await amphoraeOf(world(), lb.id)).find((amphora) => amphora.role === 'MASTER');
    if (!dead) throw new Error('no MASTER amphora');
    const api = treeApi(world().call);
    const report = await underTraffic(async () => {
      api.expectStatus(await world().call('PUT', `/v2/octavia/amphorae/${dead.id}/failover`), 202);
      await api.settled(lb.id);
    });
    recordDataplane({
      requests: report.sent,
      failedOutsideFailovers: report.failedOutsideFailovers,
      gap: {
        scenario: `ACTIVE_STANDBY, failover of the dead amphora: ${report.sent} requests, ${report.failed} failed`,
        ms: report.longestGapMs,
      },
    });
    const ids = (await amphoraeOf(world(), lb.id)).map((amphora) => amphora.id);
    expect(ids).not.toContain(dead.id);
    expect(ids).toHaveLength(2);
    expectNoFailuresOutsideFailovers(report);
  });

  it('fails over the serving amphora while a client sends requests', async () => {
    const api = treeApi(world().call);
    const report = await underTraffic(async () => {
      api.expectStatus(await world().call('PUT', `/v2/lbaas/loadbalancers/${lb.id}/failover`), 202);
      await api.settled(lb.id);
    });
    recordDataplane({
      requests: report.sent,
      failedOutsideFailovers: report.failedOutsideFailovers,
      gap: {
        scenario: `ACTIVE_STANDBY failover (API): ${report.sent} requests, ${report.failed} failed`,
        ms: report.longestGapMs,
      },
    });
    if (report.failedOutsideFailovers > 0) {
      throw new Error(
        `failed outside the failover: ${JSON.stringify({ windows: report.failoverWindows, failed: report.failedRequests, duration: report.durationMs })}`,
      );
    }
    const order = await roundRobinCheck(world().client.dial, `http://${lb.vip}/`, 4);
    expect(new Set(order)).toEqual(new Set(['m1', 'm2']));
  });

  it('leaves the fabric as it started once the load balancer is deleted', async () => {
    await deleteWebLoadBalancer(world(), lb);
    const inventory = await world().drivers.fabric.inventory();
    recordDataplane({ leaked: JSON.stringify(inventory) === JSON.stringify(world().baseline) ? 0 : 1 });
    expect(inventory).toEqual(world().baseline);
  });
});
