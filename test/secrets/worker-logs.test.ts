import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { createLoadBalancer } from '../../src/workflows';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../harness/temporal';
import { createRequest } from '../workflows/orchestrator';
import {
  captureProcess,
  linesRevealing,
  secretBearingTemplate,
  secretForms,
  secretMarker,
  type CapturedProcess,
} from './log-capture';

/**
 * Secrets never reach a log line: a worker in its own process, logging at debug, runs creates whose user data, SSH key
 * names and config-drive files carry a unique marker (one that succeeds, one that fails and rolls back, one refused
 * as invalid), and no line it writes may contain the marker.
 */

let temporal: TestTemporal;
let worker: CapturedProcess | undefined;
beforeAll(async () => {
  temporal = await connectTestTemporal();
});
afterAll(async () => {
  await worker?.stop();
  await temporal.close();
});

it('keeps user data, key names and config-drive contents out of a debug-level worker log', async () => {
  const marker = secretMarker();
  const taskQueue = uniqueTaskQueue('secrets');
  const failing = randomUUID();
  worker = captureProcess(['src/cli.ts', 'worker'], {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    AMPHORA_TASK_QUEUE: taskQueue,
    AMPHORA_LOG_LEVEL: 'debug',
    AMPHORA_NOOP_BUILD_DELAY_MS: '50',
    // The second create fails after plugVip took effect, so its rollback runs and its failures are logged.
    AMPHORA_NOOP_FAULTS: JSON.stringify({
      rules: [{ method: 'plugVip', call: 1, mode: 'after', subjectIncludes: failing }],
    }),
  });
  await worker.waitForLine('"msg":"worker started"', 120_000);

  const template = secretBearingTemplate(marker);
  const workflowIds: string[] = [];
  const run = (request: object) => {
    const workflowId = `secrets-${randomUUID()}`;
    workflowIds.push(workflowId);
    return temporal.client.workflow.execute(createLoadBalancer, {
      taskQueue,
      workflowId,
      args: [request as Parameters<typeof createLoadBalancer>[0]],
    });
  };
  const created = await run(createRequest({ amphora: template }));
  expect(created.provisioningStatus).toBe('ACTIVE');
  const rolledBack = await run(createRequest({ loadBalancerId: failing, amphora: template })).catch(
    (err: unknown) => err,
  );
  expect(rolledBack).toBeInstanceOf(WorkflowFailedError);
  const tooManyFiles = Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [`/etc/f${n}`, `${marker}-${n}`]));
  const invalid = await run(createRequest({ amphora: { ...template, configDriveFiles: tooManyFiles } })).catch(
    (err: unknown) => err,
  );
  expect(invalid).toBeInstanceOf(WorkflowFailedError);
  await worker.stop();

  const lines = worker.lines();
  // The log is really at debug level, and really covers these runs.
  expect(lines.some((line) => line.includes('"level":20'))).toBe(true);
  for (const workflowId of workflowIds) expect(lines.some((line) => line.includes(workflowId))).toBe(true);
  expect(lines.some((line) => line.includes('"level":40') && line.includes('PlugVipError'))).toBe(true);
  expect(linesRevealing(lines, secretForms(marker))).toEqual([]);
});
