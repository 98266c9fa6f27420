import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { loadConfig } from '../config';
import { connectClient, workflowUrl } from '../controller/client';
import { StepPrinter } from '../controller/step-printer';
import { watchOperation } from '../controller/watch';
import { removeGuest, startClient, startMember, type ClientGuest, type MemberGuest } from '../drivers/local/guests';
import { createLogger, installTemporalLogging } from '../logger';
import type { CreateLoadBalancerInput, LoadBalancer, Timing } from '../models';
import { startWorker } from '../worker';
import { configureLoadBalancer, createLoadBalancer, deleteLoadBalancer, failoverAmphora } from '../workflows';
import { treeOf } from '../contracts';
import { curlThroughVip, waitForAnswer } from './curl';
import { chooseDataPlane } from './data-plane';
import { describeOutcome } from './outcome';
import { webTree } from './web-tree';

/** Fast enough to watch, slow enough to see each step: amphorae boot in 2.5 s, looked at twice a second. */
const DEMO_TIMING: Timing = {
  activityTimeoutMs: 10_000,
  maxAttempts: 3,
  retryInitialIntervalMs: 200,
  compensationMaxAttempts: 5,
  buildPollIntervalMs: 500,
  buildPollAttempts: 60,
};

const out = (line = '') => process.stdout.write(`${line}\n`);

/** Starts the dev server unless TEMPORAL_ADDRESS names another one. */
function ensureDevServer(): void {
  if (process.env.TEMPORAL_ADDRESS) return;
  const script = join(__dirname, '..', '..', 'temporal-dev.sh');
  const result = spawnSync(script, ['up'], { stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(`./temporal-dev.sh up failed (exit ${result.status ?? result.signal}); see its messages above`);
  }
}

/**
 * `npm run demo`: a dev server, a worker, and the product's stories one after another (an ACTIVE_STANDBY create, a
 * create that fails at plugVip and rolls back, a failover, a delete), each shown step by step, then a summary with
 * the Temporal UI link of every workflow. On the local data plane (root, network namespaces) the load balancer also
 * serves HTTP from two member servers, and curl shows its answers through the VIP before and after the failover.
 */
async function main(): Promise<void> {
  ensureDevServer();
  // The dev server listens where temporal-dev.sh put it (TEMPORAL_DEV_PORT), unless TEMPORAL_ADDRESS names another.
  const address = process.env.TEMPORAL_ADDRESS ?? `127.0.0.1:${process.env.TEMPORAL_DEV_PORT ?? '7233'}`;
  const config = loadConfig({
    ...process.env,
    TEMPORAL_ADDRESS: address,
    AMPHORA_TASK_QUEUE: `amphora-demo-${randomUUID().slice(0, 8)}`,
  });
  const logger = createLogger(process.env.AMPHORA_LOG_LEVEL ?? 'error');
  installTemporalLogging(logger);
  const plane = await chooseDataPlane(out);
  const { drivers } = plane;
  out(
    plane.kind === 'local'
      ? `Data plane: local (amphorae are network namespaces running haproxy and keepalived, in fabric ${plane.drivers.fabric.names.fabricNamespace})`
      : `Data plane: noop (simulated), because ${plane.why}`,
  );
  const baseline = drivers.cloud.inventory();
  const running = await startWorker(config, logger, { drivers });
  const local = plane.kind === 'local' ? plane.drivers : undefined;
  const members: MemberGuest[] = [];
  let vipClient: ClientGuest | undefined;
  const { client, close } = await connectClient(config);
  const uiBase = `http://127.0.0.1:${process.env.TEMPORAL_DEV_UI_PORT ?? '8233'}`;
  const summary: { story: string; workflowId: string; outcome: string }[] = [];

  async function story<T>(title: string, start: () => Promise<WorkflowHandle>): Promise<T | undefined> {
    out();
    out(`▶ ${title}`);
    const handle = await start();
    const printer = new StepPrinter(out, '    ');
    const ended = await watchOperation<T>(
      handle,
      (status) => printer.update(status),
      undefined,
      (error) => printer.unreadable(handle.workflowId, error),
    );
    const outcome = describeOutcome(ended);
    out(`  ${outcome.line}`);
    summary.push({ story: title, workflowId: handle.workflowId, outcome: outcome.short });
    return ended.ok ? ended.result : undefined;
  }

  const request = (topology: CreateLoadBalancerInput['topology'], name: string): CreateLoadBalancerInput => ({
    loadBalancerId: randomUUID(),
    projectId: 'demo-project',
    name,
    topology,
    vip: { subnetId: 'vip-subnet' },
    amphora: { imageId: 'amphora-haproxy', flavor: 'amphora-small', managementNetworkId: 'lb-mgmt-net' },
    listenerPorts: [{ protocol: 'TCP', port: 443 }],
    timing: DEMO_TIMING,
  });
  const start = { taskQueue: config.taskQueue };

  try {
    const web = request('ACTIVE_STANDBY', 'demo-web');
    const lb = await story<LoadBalancer>('Create an ACTIVE_STANDBY load balancer', () =>
      client.workflow.start(createLoadBalancer, {
        ...start,
        workflowId: `demo-create-${web.loadBalancerId}`,
        args: [web],
      }),
    );

    let serving = lb;
    if (lb && local) {
      for (const name of ['m1', 'm2']) members.push(await startMember(local, { name, networkId: 'member-net-a' }));
      vipClient = await startClient(local, { name: 'client', networkId: 'vip-net' });
      const tree = webTree(lb, members, 'member-subnet-a');
      const configured = await story<{ memberNetworkIds: string[] }>(
        'Serve HTTP on port 80 from members m1 and m2 (round robin, HTTP health monitor)',
        () =>
          client.workflow.start(configureLoadBalancer, {
            ...start,
            workflowId: `demo-configure-${lb.id}`,
            args: [{ loadBalancer: { ...lb, tree }, previousTree: treeOf({}), timing: DEMO_TIMING }],
          }),
      );
      serving = configured ? { ...lb, tree, memberNetworkIds: configured.memberNetworkIds } : lb;
      await showCurl(vipClient, serving, "keepalived gives it to the MASTER once haproxy's check passes");
    }

    const doomed = request('SINGLE', 'demo-doomed');
    drivers.faults.setPlan({ rules: [{ method: 'plugVip', call: 1, subjectIncludes: doomed.loadBalancerId }] });
    await story('Create a SINGLE load balancer with a fault injected at plugVip: it rolls back', () =>
      client.workflow.start(createLoadBalancer, {
        ...start,
        workflowId: `demo-rollback-${doomed.loadBalancerId}`,
        args: [doomed],
      }),
    );
    drivers.faults.clear();

    if (serving) {
      const current = serving;
      const master = current.amphorae.find((amphora) => amphora.role === 'MASTER') ?? current.amphorae[0];
      const failedOver = await story<LoadBalancer>(`Fail over the MASTER amphora ${master?.id ?? ''}`, () =>
        client.workflow.start(failoverAmphora, {
          ...start,
          workflowId: `demo-failover-${current.id}`,
          args: [
            {
              loadBalancer: { ...current, amphoraTemplate: web.amphora },
              amphoraId: master?.id ?? '',
              timing: DEMO_TIMING,
            },
          ],
        }),
      );
      if (vipClient) {
        await showCurl(vipClient, failedOver ?? current, 'the BACKUP took the VIP by VRRP when the old MASTER went');
      }
      await story('Delete the load balancer', () =>
        client.workflow.start(deleteLoadBalancer, {
          ...start,
          workflowId: `demo-delete-${current.id}`,
          args: [{ loadBalancer: failedOver ?? current, timing: DEMO_TIMING }],
        }),
      );
    }
    if (local) {
      for (const guest of [...members, ...(vipClient ? [vipClient] : [])]) await removeGuest(local, guest);
    }

    const left = drivers.cloud.inventory().filter((item) => !baseline.some((known) => known.id === item.id));
    const hostLeft = local ? await local.fabric.inventory() : undefined;
    const hostLeftCount = hostLeft
      ? hostLeft.namespaces.length + hostLeft.bridgePorts.length + hostLeft.processes.length
      : 0;
    out();
    out('Summary');
    for (const { story: title, workflowId, outcome } of summary) {
      out(`  ${outcome.padEnd(10)} ${title}`);
      out(`             ${workflowUrl(uiBase, config.temporal.namespace, workflowId)}`);
    }
    out();
    out(
      `${local ? 'Cloud records' : 'Noop cloud'} after the demo: ${left.length} resources left behind${left.length ? `: ${left.map((item) => `${item.kind} ${item.name || item.id}`).join(', ')}` : ''}.`,
    );
    if (hostLeft) {
      out(
        `Host after the demo: ${hostLeftCount} namespaces, bridge ports or processes left behind${hostLeftCount ? `: ${JSON.stringify(hostLeft)}` : ''}.`,
      );
    }
    out(`Temporal UI: ${uiBase}/namespaces/${config.temporal.namespace}/workflows (the dev server keeps running).`);
    out('Stop the dev server with: ./temporal-dev.sh down');
    if (left.length + hostLeftCount > 0) process.exitCode = 1;
  } finally {
    await running.stop();
    await close();
    if (local) await local.fabric.down();
  }
}

/** Shows what a client on the VIP network gets, once the VIP answers: four curl answers through the VIP. */
async function showCurl(vipClient: ClientGuest, lb: LoadBalancer, why: string): Promise<void> {
  const url = `http://${lb.vip?.ipAddress ?? ''}/`;
  const waited = await waitForAnswer(vipClient, url, 20_000);
  out(
    waited === undefined
      ? `  The VIP ${lb.vip?.ipAddress ?? ''} did not answer within 20 s`
      : `  The VIP answers ${waited} ms later (${why})`,
  );
  out(`  $ ip netns exec ${vipClient.namespace} curl -s ${url}   (4 times)`);
  for (const answer of await curlThroughVip(vipClient, url, 4)) out(`    ${answer}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
