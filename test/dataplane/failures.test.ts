import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoadBalancerController } from '../../src/controller/load-balancers';
import { roundRobinCheck } from '../../src/drivers/local/traffic';
import { treeOf } from '../../src/contracts';
import { configureLoadBalancer } from '../../src/workflows';
import { treeApi } from '../objects/tree-api';
import { eventually } from '../drivers/expect-error';
import { failureOf, FAST_TIMING, statusOf } from '../workflows/orchestrator';
import { recordDataplane } from './report';
import { createWebLoadBalancer, deleteWebLoadBalancer, type WebLoadBalancer } from './scenario';
import { useLocalWorld } from './world';
import { sampleTree } from '../replay/sample-tree';

/**
 * Bad input and faults on the local data plane: a namespace that cannot be made, an agent that does not answer, a
 * configuration haproxy rejects. Each fails its step with an error naming the amphora and the cause, and the step's
 * compensation removes what was made (or puts back what ran).
 */
const world = useLocalWorld('fail');
const controller = () => new LoadBalancerController(world().temporal.client, world().taskQueue);
let lb: WebLoadBalancer;

async function expectFabricAsBefore(before: unknown): Promise<void> {
  const after = await world().drivers.fabric.inventory();
  recordDataplane({ leaked: JSON.stringify(after) === JSON.stringify(before) ? 0 : 1 });
  expect(after).toEqual(before);
}

describe('data plane failures', () => {
  it('fails a create whose amphora namespace cannot be made, naming the amphora and the cause, and leaves nothing', async () => {
    // The kernel's refusal, as `ip` reports it when the namespace limit is reached: a wrapper answers for `ip netns
    // add` only, so every other command (the rollback's too) is the real one.
    const dir = mkdtempSync(join(tmpdir(), 'amphora-fake-ip-'));
    const realIp = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((path) => existsSync(path));
    writeFileSync(
      join(dir, 'ip'),
      `#!/bin/sh\nif [ "$1" = netns ] && [ "$2" = add ]; then echo 'Cannot create namespace file "/run/netns/$3": No space left on device' >&2; exit 1; fi\nexec ${realIp} "$@"\n`,
    );
    chmodSync(join(dir, 'ip'), 0o755);
    const records = world().drivers.cloud.inventory();
    const fabric = await world().drivers.fabric.inventory();
    const path = process.env.PATH;
    process.env.PATH = `${dir}:${path}`;
    try {
      const api = treeApi(world().call);
      const created = api.expectStatus(
        await world().call('POST', '/v2/lbaas/loadbalancers', {
          body: { loadbalancer: { vip_subnet_id: 'vip-subnet' } },
        }),
        201,
      ).loadbalancer as { id: string };
      await api.settled(created.id, 'ERROR');
      const view = await controller().get(created.id);
      expect(view?.last?.error).toMatch(
        /Amphora build failed for amphora-[0-9a-f-]+: .*namespace ampdp-\S+ could not be made/,
      );
      expect(view?.last?.error).toContain('No space left on device');
      expect(world().drivers.cloud.inventory()).toEqual(records);
      await expectFabricAsBefore(fabric);
      api.expectStatus(await world().call('DELETE', `/v2/lbaas/loadbalancers/${created.id}`), 204);
      await api.gone(created.id);
    } finally {
      process.env.PATH = path;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rolls back a configuration haproxy rejects, naming the amphora and haproxy's reason, and serves on", async () => {
    lb = await createWebLoadBalancer(world(), { topology: 'SINGLE', memberNames: ['f1'] });
    const api = treeApi(world().call);
    // A TERMINATED_HTTPS listener whose certificate the amphora does not hold: haproxy -c refuses the file.
    const response = await world().call('POST', '/v2/lbaas/listeners', {
      body: {
        listener: {
          loadbalancer_id: lb.id,
          protocol: 'TERMINATED_HTTPS',
          protocol_port: 443,
          default_tls_container_ref: 'https://barbican.example.com/v1/containers/0a4e3f6a-0000-4000-8000-000000000001',
        },
      },
    });
    api.expectStatus(response, 201);
    const listenerId = (response.body.listener as { id: string }).id;
    await api.settled(lb.id);
    const listener = await api.show(`/v2/lbaas/listeners/${listenerId}`, 'listener');
    expect(listener.provisioning_status).toBe('ERROR');
    const view = await controller().get(lb.id);
    const [amphora] = view?.record.amphorae ?? [];
    expect(view?.last?.error).toContain(amphora?.id);
    expect(view?.last?.error).toMatch(/haproxy|configuration/i);
    expect(await roundRobinCheck(world().client.dial, `http://${lb.vip}/`, 3)).toEqual(['f1', 'f1', 'f1']);
    // The listener in ERROR goes with a delete, as in Octavia.
    api.expectStatus(await world().call('DELETE', `/v2/lbaas/listeners/${listenerId}`), 204);
    await api.settled(lb.id);
    expect((await world().call('GET', `/v2/lbaas/listeners/${listenerId}`)).status).toBe(404);
  });

  it('fails a change whose amphora agent does not answer, naming the amphora, and restores it once it answers', async () => {
    const view = await controller().get(lb.id);
    if (!view) throw new Error(`load balancer ${lb.id} is gone`);
    const { record } = view;
    const [amphora] = record.amphorae;
    if (!amphora?.computeId) throw new Error('no amphora');
    const agentPid = Number(readFileSync(join(world().drivers.host.dirOf(amphora.computeId), 'agent.pid'), 'utf8'));
    const before = await world().drivers.amphora.getConfiguration(amphora);
    process.kill(agentPid, 'SIGSTOP');
    let resumed = false;
    try {
      const handle = await world().temporal.client.workflow.start(configureLoadBalancer, {
        taskQueue: world().taskQueue,
        workflowId: `local-unanswered-${lb.id}`,
        args: [
          {
            loadBalancer: { ...record, tree: sampleTree(record) },
            previousTree: record.tree ?? treeOf({}),
            // One attempt, longer than the driver's 10 s wait for the agent: the step fails with the driver's own error.
            timing: { ...FAST_TIMING, activityTimeoutMs: 15_000, maxAttempts: 1, compensationMaxAttempts: 20 },
          },
        ],
      });
      // Once the push has failed, the agent answers again, and the undo can put the old configuration back.
      await eventually(async () => {
        const status = await statusOf(handle);
        return status.steps.some((step) => step.state === 'failed') ? true : undefined;
      }, 60_000);
      process.kill(agentPid, 'SIGCONT');
      resumed = true;
      const failure = await failureOf(handle);
      expect(failure.message).toContain('failed at step "configure listeners on');
      expect(failure.chain).toContain(amphora.id);
      expect(failure.chain).toMatch(/AmphoraUnreachableError: Cannot reach the agent of amphora-.*within the timeout/);
      expect(await world().drivers.amphora.getConfiguration(amphora)).toEqual(before);
      expect(await roundRobinCheck(world().client.dial, `http://${lb.vip}/`, 2)).toEqual(['f1', 'f1']);
    } finally {
      if (!resumed) process.kill(agentPid, 'SIGCONT');
    }
  });

  it('leaves the fabric as it started once the load balancer is deleted', async () => {
    await deleteWebLoadBalancer(world(), lb);
    await expectFabricAsBefore(world().baseline);
  });
});
