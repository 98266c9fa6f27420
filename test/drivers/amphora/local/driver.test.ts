import { randomUUID } from 'node:crypto';
import { AmphoraConfigRejectedError, AmphoraUnreachableError, type AmphoraRequest } from '../../../../src/drivers';
import type { LocalAmphoraDriver } from '../../../../src/drivers/amphora/local';
import { renderHaproxyConfig } from '../../../../src/drivers/amphora/config';
import { ListenerSchema, type LoadBalancerTree } from '../../../../src/models';
import { httpGet } from '../../../agent/fixtures/http';
import { AgentLab, type LabAmphora } from '../../../agent/fixtures/lab';
import { ip } from '../../../agent/fixtures/system';
import { ensureDebianPackages } from '../../../harness/debian-packages';
import { rejectionOf } from '../../expect-error';
import { withTree } from '../subject';
import { amphoraLoadBalancer, VIP_ADDRESS, webTree } from '../web-tree';
import { amphoraOf, labDriver, labPaths } from './subject';

const MEMBERS = ['203.0.113.21', '203.0.113.22'];

/** Adds to `tree` a TERMINATED_HTTPS listener whose certificate was never uploaded to the amphora. */
function withUnuploadedCertificate(tree: LoadBalancerTree): LoadBalancerTree {
  const copy = structuredClone(tree);
  const [first] = copy.listeners;
  if (!first) throw new Error('the tree has no listener');
  copy.listeners.push(
    ListenerSchema.parse({
      ...first,
      id: randomUUID(),
      protocol: 'TERMINATED_HTTPS',
      protocolPort: 443,
      defaultTlsContainerRef: 'https://key-manager.example/v1/containers/never-uploaded',
    }),
  );
  return copy;
}

describe('LocalAmphoraDriver with real traffic', () => {
  let lab: AgentLab;
  let driver: LocalAmphoraDriver;
  let booted: LabAmphora;
  let request: AmphoraRequest;
  const answers = async (count: number) => {
    const bodies: string[] = [];
    for (let i = 0; i < count; i += 1) bodies.push((await httpGet(lab.dial, VIP_ADDRESS, 80)).body.trim());
    return bodies;
  };

  beforeAll(async () => {
    await ensureDebianPackages(['haproxy', 'keepalived']);
    lab = await AgentLab.create();
    driver = labDriver(lab);
    await lab.memberNetwork('bn1');
    await lab.startMember('m1', MEMBERS[0] ?? '', 25, 'bn1');
    await lab.startMember('m2', MEMBERS[1] ?? '', 25, 'bn1');
  }, 300_000);
  afterAll(async () => {
    await lab?.teardown();
  });

  it('plugs the VIP and a member network, then balances requests round robin over both members', async () => {
    booted = await lab.bootAmphora();
    const loadBalancerId = randomUUID();
    const amphora = amphoraOf(booted, loadBalancerId, 'STANDALONE');
    request = {
      amphora,
      loadBalancer: amphoraLoadBalancer(
        [amphora],
        webTree(loadBalancerId, { members: MEMBERS }),
        'SINGLE',
        loadBalancerId,
      ),
    };
    const macAddress = await lab.plugPort(booted, 'bn1');
    await driver.postVipPlug(request);
    await driver.postNetworkPlug({ amphora, networkId: 'member-net', ipAddress: '203.0.113.11', macAddress });
    await driver.updateAmphoraListeners(request);
    const bodies = await answers(4);
    expect(new Set(bodies)).toEqual(new Set(['m1', 'm2']));
    expect(bodies[0]).not.toBe(bodies[1]);
    expect(bodies[2]).toBe(bodies[0]);

    const addresses = await ip('-n', booted.ns, '-br', 'addr', 'show');
    expect(addresses).toMatch(
      new RegExp(`^eth1\\S*\\s+UP\\s+198\\.51\\.100\\.${10 + booted.index}/24 ${VIP_ADDRESS}/32`, 'm'),
    );
    expect(addresses).toMatch(/^eth2\S*\s+UP\s+203\.0\.113\.11\/25/m);
  });

  it('reports what runs: the configuration rendered with the amphora paths, networks and counters', async () => {
    const paths = labPaths(lab)(request.amphora);
    expect(await driver.getConfiguration(request.amphora)).toEqual({
      haproxy: renderHaproxyConfig({ ...request, paths }),
      networks: ['member-net'],
    });
    expect(await driver.getDiagnostics(request.amphora)).toMatchObject({
      hostname: `amphora-${request.amphora.id}`,
      loadBalancers: [request.loadBalancer.id],
      interfaces: ['vip-net', 'member-net'],
      keepalived: 'absent',
    });
    const [stats] = await driver.getStats(request);
    expect(stats).toMatchObject({ listenerId: request.loadBalancer.tree.listeners[0]?.id, activeConnections: 0 });
    expect(stats?.totalConnections).toBeGreaterThanOrEqual(4);
    expect(stats?.bytesOut).toBeGreaterThan(0);
  });

  it('refuses a configuration haproxy -c rejects, naming the amphora and quoting haproxy, and keeps serving', async () => {
    const before = await driver.getConfiguration(request.amphora);
    const err = await rejectionOf(
      driver.updateAmphoraListeners(withTree(request, withUnuploadedCertificate(request.loadBalancer.tree))),
    );
    expect(err).toBeInstanceOf(AmphoraConfigRejectedError);
    expect(err).toMatchObject({ retryable: false, service: 'haproxy', amphoraId: request.amphora.id });
    expect(err.checkerOutput).toMatch(/\[ALERT\].*never-uploaded|unable to (load|stat) SSL certificate/);
    expect(err.message).toContain(`amphora-${request.amphora.id} refused the new haproxy configuration`);
    expect(await driver.getConfiguration(request.amphora)).toEqual(before);
    expect(new Set(await answers(2))).toEqual(new Set(['m1', 'm2']));
  });

  it('applies new listeners without failing a request in flight', async () => {
    let requests = 0;
    let failures = 0;
    let loading = true;
    const load = (async () => {
      while (loading) {
        requests += 1;
        await httpGet(lab.dial, VIP_ADDRESS, 80).catch(() => (failures += 1));
      }
    })();
    const trees = [[80, 8080], [80, 8081], [80]].map((ports) =>
      webTree(request.loadBalancer.id, { ports, members: MEMBERS }),
    );
    for (const tree of trees) {
      // Each tree has new pools and listener ids but keeps port 80: the VIP's listener moves to the new config.
      await driver.updateAmphoraListeners(withTree(request, tree));
    }
    loading = false;
    await load;
    expect(failures).toBe(0);
    expect(requests).toBeGreaterThan(trees.length);
    expect((await httpGet(lab.dial, VIP_ADDRESS, 8081).catch((e: Error) => ({ body: e.message }))).body).toMatch(
      /ECONNREFUSED/,
    );
  });

  it('raises a retryable AmphoraUnreachableError at once when the agent is down, naming amphora, address and cause', async () => {
    await lab.stopAgent(booted);
    const started = Date.now();
    const err = await rejectionOf(driver.getInfo(request.amphora));
    // Refused at once: not the driver's 30 s wait for an answer.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(AmphoraUnreachableError);
    expect(err).toMatchObject({ retryable: true, amphoraId: request.amphora.id });
    expect(err.message).toMatch(
      new RegExp(
        `Cannot reach the agent of amphora-${request.amphora.id}: cannot connect to its agent \\(agent at ${booted.mgmtIp.replaceAll('.', '\\.')}:9443\\): .*ECONNREFUSED`,
      ),
    );
    // haproxy is a daemon of its own: the load balancer keeps serving without its agent.
    expect(new Set(await answers(2))).toEqual(new Set(['m1', 'm2']));
  });
});
