import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import * as workflows from '../../src/workflows';
import { createLoadBalancer } from '../../src/workflows';
import { recordedCalls } from '../replay/histories';
import { createRequest, failureOf, startOrchestrator, statusOf, type Orchestrator } from './orchestrator';

/** Event type numbers of the history events these tests count (8 is WORKFLOW_TASK_TIMED_OUT, not FAILED). */
const ACTIVITY_TASK_SCHEDULED = Number(temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
const WORKFLOW_TASK_FAILED = Number(temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);

describe('an invalid create fails before any driver call, naming the field, and is not retried', () => {
  let orchestrator: Orchestrator;
  beforeAll(async () => {
    orchestrator = await startOrchestrator();
  });
  afterAll(async () => {
    await orchestrator.stop();
  });

  async function run(request: unknown): Promise<WorkflowHandle> {
    return orchestrator.temporal.client.workflow.start(createLoadBalancer, {
      taskQueue: orchestrator.taskQueue,
      workflowId: `bad-input-${Math.random().toString(36).slice(2)}`,
      args: [request as Parameters<typeof createLoadBalancer>[0]],
    });
  }

  async function eventTypes(handle: WorkflowHandle): Promise<number[]> {
    const history = await handle.fetchHistory();
    return (history.events ?? []).map((event) => Number(event.eventType));
  }

  const six = Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [`/etc/f${n}`, 'x']));
  const cases: [string, unknown, RegExp][] = [
    [
      'an unknown topology',
      createRequest({ topology: 'TRIANGLE' as never }),
      /topology: expected SINGLE or ACTIVE_STANDBY/,
    ],
    [
      'a VIP with no subnet, network or port',
      createRequest({ vip: {} }),
      /vip: name the VIP subnetId, networkId or portId/,
    ],
    [
      'six config-drive files',
      createRequest({ amphora: { ...createRequest().amphora, configDriveFiles: six } }),
      /amphora\.configDriveFiles: 6 files given; the limit is 5/,
    ],
    [
      'an 11 KiB config-drive file',
      createRequest({
        amphora: { ...createRequest().amphora, configDriveFiles: { '/etc/big': 'x'.repeat(11 * 1024) } },
      }),
      /amphora\.configDriveFiles\.\/etc\/big: file is 11264 bytes; the limit is 10240 bytes/,
    ],
    [
      'an unknown amphora type',
      createRequest({ amphora: { ...createRequest().amphora, amphoraType: 'MAINFRAME' as never } }),
      /amphora\.amphoraType/,
    ],
    [
      'an empty management network id',
      createRequest({ amphora: { ...createRequest().amphora, managementNetworkId: '' } }),
      /amphora\.managementNetworkId: must not be empty/,
    ],
    ['an unknown field', { ...createRequest(), colour: 'blue' }, /colour/],
    ['no input at all', undefined, /Invalid createLoadBalancer request/],
  ];

  it.each(cases)('%s', async (_label, request, message) => {
    const journalBefore = orchestrator.drivers.journal().length;
    const handle = await run(request);
    const failure = await failureOf(handle);
    expect(failure.type).toBe('ValidationError');
    expect(failure.message).toMatch(message);
    expect(failure.message).toContain('Nothing was created');

    const events = await eventTypes(handle);
    expect(events).not.toContain(ACTIVITY_TASK_SCHEDULED);
    // Nor a driver step as a local activity: the validation is the only call.
    const calls = recordedCalls((await handle.fetchHistory()).events ?? []);
    expect(calls.map((call) => call.activityType)).toEqual(['validateWorkflowInput']);
    expect(events).not.toContain(WORKFLOW_TASK_FAILED);
    expect((await handle.describe()).status.name).toBe('FAILED');
    expect(orchestrator.drivers.journal()).toHaveLength(journalBefore);
    if (request !== undefined) expect((await statusOf(handle)).provisioningStatus).toBe('ERROR');
  });

  it('fails once, not retrying, when the VIP subnet does not exist', async () => {
    const handle = await run(createRequest({ vip: { subnetId: 'no-such-subnet' } }));
    const failure = await failureOf(handle);
    expect(failure.type).toBe('StepFailedError');
    expect(failure.message).toContain(
      'failed at step "allocate VIP": SubnetNotFoundError: Subnet no-such-subnet was not found',
    );
    const history = await handle.fetchHistory();
    // allocateVip once (non-retryable: its one attempt failed), then its undo, then the amphora's undo registered
    // ahead (a worker that died could have built it already; here it finds nothing by its name).
    const calls = recordedCalls(history.events ?? []).filter((call) => call.activityType !== 'validateWorkflowInput');
    expect(calls).toEqual([
      { activityType: 'allocateVip', local: true, attempt: 1, failed: true },
      { activityType: 'deallocateVip', local: false, failed: false },
      { activityType: 'deleteAmphora', local: false, failed: false },
    ]);
    const started = (history.events ?? []).filter((event) => event.activityTaskStartedEventAttributes);
    expect(started.every((event) => (event.activityTaskStartedEventAttributes?.attempt ?? 1) === 1)).toBe(true);
    expect(orchestrator.drivers.inventory()).toEqual(orchestrator.baseline);
  });

  it.each(Object.keys(workflows))('%s given no input fails validation instead of crashing its task', async (name) => {
    const handle = await orchestrator.temporal.client.workflow.start(name, {
      taskQueue: orchestrator.taskQueue,
      workflowId: `no-input-${name}-${Math.random().toString(36).slice(2)}`,
      args: [],
    });
    const failure = await failureOf(handle);
    expect(failure.type).toBe('ValidationError');
    expect(await eventTypes(handle)).not.toContain(WORKFLOW_TASK_FAILED);
  });
});
