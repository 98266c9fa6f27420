import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../harness/temporal';

/**
 * The SDK's per-promise stack traces (the `__stack_trace` query behind the Temporal UI's Stack Trace tab) are off
 * unless AMPHORA_WORKFLOW_STACK_TRACES=on: our patch of `@temporalio/worker` (patches/, applied by `npm ci`) skips the
 * promise hook that records them, which cost 14-20 % of the worker's CPU in a storm. The workflow thread reads the
 * variable from the process's environment as it starts, which a jest test cannot change (jest gives each test file a
 * copy): so each case runs its worker in a process of its own, on the greeting workflow, whose activity no one runs.
 */

const WORKER_SCRIPT = `
const { NativeConnection, Worker } = require('@temporalio/worker');
(async () => {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: process.env.STACK_TEST_NAMESPACE,
    taskQueue: process.env.STACK_TEST_TASK_QUEUE,
    workflowsPath: process.env.STACK_TEST_WORKFLOWS,
  });
  process.on('SIGTERM', () => worker.shutdown());
  process.stdout.write('ready\\n');
  await worker.run();
  await connection.close();
})().catch((err) => {
  process.stderr.write(String(err && err.stack) + '\\n');
  process.exit(1);
});
`;

let temporal: TestTemporal;
beforeAll(async () => {
  temporal = await connectTestTemporal();
});
afterAll(async () => {
  await temporal.close();
});

/** Starts the worker process with `setting`, and resolves once it polls. */
async function workerWith(setting: string | undefined, taskQueue: string): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    STACK_TEST_NAMESPACE: temporal.namespace,
    STACK_TEST_TASK_QUEUE: taskQueue,
    STACK_TEST_WORKFLOWS: require.resolve('../harness/fixtures/greeting-workflow'),
  };
  if (setting === undefined) delete env.AMPHORA_WORKFLOW_STACK_TRACES;
  else env.AMPHORA_WORKFLOW_STACK_TRACES = setting;
  const child = spawn(process.execPath, ['-e', WORKER_SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ready = new Promise<'ready'>((resolve) =>
    child.stdout?.on('data', (chunk: Buffer) => chunk.includes('ready') && resolve('ready')),
  );
  // A sentinel, not a rejection: the exit at the end of a case must not become an unhandled rejection.
  const outcome = await Promise.race([ready, once(child, 'exit').then(() => 'exited' as const)]);
  if (outcome === 'exited') throw new Error(`the worker process exited before it polled: ${output.slice(-2000)}`);
  return child;
}

/** What the stack trace query answers (or the error it fails with) for a workflow waiting on its activity. */
async function stackTraceWith(setting: string | undefined): Promise<string> {
  const taskQueue = uniqueTaskQueue('stack');
  const child = await workerWith(setting, taskQueue);
  try {
    const handle = await temporal.client.workflow.start('greetingWorkflow', {
      taskQueue,
      workflowId: `stack-${randomUUID()}`,
      args: ['stack'],
    });
    try {
      return await handle.query<string>('__stack_trace').catch((err: unknown) => `failed: ${String(err)}`);
    } finally {
      await handle.terminate('the test has its answer');
    }
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  }
}

describe('workflow stack traces', () => {
  it('are off by default: the query says so, and the SDK keeps no stack per promise', async () => {
    expect(await stackTraceWith(undefined)).toMatch(/failed: .*stack traces are not enabled on this worker/);
  });

  it('show where the workflow waits with AMPHORA_WORKFLOW_STACK_TRACES=on', async () => {
    expect(await stackTraceWith('on')).toMatch(/at composeGreeting \(.*greeting-workflow\.ts:\d+/);
  });
});
