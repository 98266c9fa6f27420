import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { loadConfig } from '../config';
import { connectClient, workflowUrl } from '../controller/client';
import { StepPrinter } from '../controller/step-printer';
import { watchOperation } from '../controller/watch';
import { createNoopDrivers } from '../drivers';
import { createLogger, installTemporalLogging } from '../logger';
import type { CreateLoadBalancerInput, LoadBalancer, Timing } from '../models';
import { startWorker } from '../worker';
import { createLoadBalancer, deleteLoadBalancer, failoverAmphora } from '../workflows';
import { describeOutcome } from './outcome';

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
 * `npm run demo`: a dev server, a worker with noop drivers, and the product's four stories one after another (an
 * ACTIVE_STANDBY create, a create that fails at plugVip and rolls back, a failover, a delete), each shown step by
 * step, then a summary with the Temporal UI link of every workflow.
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
  const drivers = createNoopDrivers({ buildDelayMs: 2_500 });
  const baseline = drivers.inventory();
  const running = await startWorker(config, logger, { drivers });
  const { client, close } = await connectClient(config);
  const uiBase = `http://127.0.0.1:${process.env.TEMPORAL_DEV_UI_PORT ?? '8233'}`;
  const summary: { story: string; workflowId: string; outcome: string }[] = [];

  async function story<T>(title: string, start: () => Promise<WorkflowHandle>): Promise<T | undefined> {
    out();
    out(`▶ ${title}`);
    const handle = await start();
    const printer = new StepPrinter(out, '    ');
    const ended = await watchOperation<T>(handle, (status) => printer.update(status));
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

    if (lb) {
      const master = lb.amphorae.find((amphora) => amphora.role === 'MASTER') ?? lb.amphorae[0];
      const failedOver = await story<LoadBalancer>(`Fail over the MASTER amphora ${master?.id ?? ''}`, () =>
        client.workflow.start(failoverAmphora, {
          ...start,
          workflowId: `demo-failover-${lb.id}`,
          args: [
            { loadBalancer: { ...lb, amphoraTemplate: web.amphora }, amphoraId: master?.id ?? '', timing: DEMO_TIMING },
          ],
        }),
      );
      await story('Delete the load balancer', () =>
        client.workflow.start(deleteLoadBalancer, {
          ...start,
          workflowId: `demo-delete-${lb.id}`,
          args: [{ loadBalancer: failedOver ?? lb, timing: DEMO_TIMING }],
        }),
      );
    }

    const left = drivers.inventory().filter((item) => !baseline.some((known) => known.id === item.id));
    out();
    out('Summary');
    for (const { story: title, workflowId, outcome } of summary) {
      out(`  ${outcome.padEnd(10)} ${title}`);
      out(`             ${workflowUrl(uiBase, config.temporal.namespace, workflowId)}`);
    }
    out();
    out(
      `Noop cloud after the demo: ${left.length} resources left behind${left.length ? `: ${left.map((item) => `${item.kind} ${item.name || item.id}`).join(', ')}` : ''}.`,
    );
    out(`Temporal UI: ${uiBase}/namespaces/${config.temporal.namespace}/workflows (the dev server keeps running).`);
    out('Stop the dev server with: ./temporal-dev.sh down');
    if (left.length > 0) process.exitCode = 1;
  } finally {
    await running.stop();
    await close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
