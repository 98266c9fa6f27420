import { DeterminismViolationError } from '@temporalio/workflow';
import { createLoadBalancer } from '../../src/workflows';
import { bundleWorkflows } from '../harness/bundle';
import { quietRuntime } from '../harness/temporal';
import { createRequest, startOrchestrator } from '../workflows/orchestrator';
import { SERVER_GROUP_BEFORE_VIP } from './fixtures/patched-steps/create-load-balancer';
import { loadHistories, recordedCalls, workflowTypeOf, type SavedHistory } from './histories';
import { explainReplayFailure, replayAll } from './replayer';

/**
 * Proof that the replay test bites, and how to change a workflow without biting: the same change (create the
 * ACTIVE_STANDBY server group before allocating the VIP) made carelessly (fixtures/swapped-steps) and behind
 * `patched()` (fixtures/patched-steps), each replayed against the recorded histories.
 */

const histories = loadHistories();

/** The activity types a history scheduled, in order. */
/** The histories that went through the server group step: the only ones the swap can break. */
const throughServerGroup = (saved: SavedHistory) =>
  workflowTypeOf(saved.history) === 'createLoadBalancer' &&
  recordedCalls(saved.history.events ?? []).some((call) => call.activityType === 'createServerGroup');

beforeAll(() => {
  // The replays below fail on purpose; the SDK's warning for each would bury the test output.
  quietRuntime('ERROR');
});

describe('an incompatible change: two steps swapped without a patch', () => {
  it('fails exactly the histories that reached the swapped steps, with DeterminismViolationError', async () => {
    const swapped = { code: await bundleWorkflows(require.resolve('./fixtures/swapped-steps')) };
    const outcomes = await replayAll(swapped, histories);

    const expected = histories.filter(throughServerGroup).map((saved) => saved.name);
    expect(expected).toEqual(expect.arrayContaining(['create-active-standby', 'create-rollback-server-group']));
    const broken = outcomes.filter((outcome) => outcome.error).map((outcome) => outcome.saved.name);
    expect(broken).toEqual(expected);
    for (const outcome of outcomes.filter((candidate) => candidate.error)) {
      expect(outcome.error).toBeInstanceOf(DeterminismViolationError);
    }
    // A SINGLE create never had a server group, so the swap changes nothing for it: it still replays.
    expect(outcomes.find((outcome) => outcome.saved.name === 'create-single')?.error).toBeUndefined();

    const first = outcomes.find((outcome) => outcome.saved.name === 'create-active-standby');
    if (!first) throw new Error('create-active-standby was not replayed');
    const message = await explainReplayFailure(swapped, first);
    expect(message).toContain('test/replay/histories/create-active-standby.json');
    // The step is a local activity there: its marker is where code and history part.
    expect(message).toMatch(/at event \d+ MarkerRecorded allocateVip "Allocate VIP for load balancer /);
    expect(message).toContain("does not match activity type of local activity command 'createServerGroup'");
  });
});

describe('the same change behind patched()', () => {
  let patched: { code: string };
  beforeAll(async () => {
    patched = { code: await bundleWorkflows(require.resolve('./fixtures/patched-steps')) };
  });

  it('replays every recorded history clean: runs started before the change keep the old order', async () => {
    const outcomes = await replayAll(patched, histories);
    const failures = await Promise.all(
      outcomes.filter((outcome) => outcome.error).map((outcome) => explainReplayFailure(patched, outcome)),
    );
    expect(failures).toEqual([]);
    expect(outcomes).toHaveLength(histories.length);
  });

  it('takes the new order in a new ACTIVE_STANDBY create, and marks its history with the patch', async () => {
    const orchestrator = await startOrchestrator({ workflowBundle: patched });
    try {
      const request = createRequest({ topology: 'ACTIVE_STANDBY' });
      const handle = await orchestrator.temporal.client.workflow.start(createLoadBalancer, {
        taskQueue: orchestrator.taskQueue,
        workflowId: `patched-${request.loadBalancerId}`,
        args: [request],
      });
      const lb = await handle.result();
      expect(lb).toMatchObject({ provisioningStatus: 'ACTIVE', topology: 'ACTIVE_STANDBY' });
      expect(lb.serverGroupId).toBeTruthy();

      const history = await handle.fetchHistory();
      const events = history.events ?? [];
      const steps = recordedCalls(events).filter((call) => call.activityType !== 'validateWorkflowInput');
      expect(steps.slice(0, 2).map((call) => call.activityType)).toEqual(['createServerGroup', 'allocateVip']);
      const markers = events.flatMap((event) => event.markerRecordedEventAttributes ?? []);
      // Each patch the run went through records one marker (the amphora driver's steps have one of their own).
      const patches = markers
        .filter((marker) => marker.markerName === 'core_patch')
        .map((marker) => marker.details?.['patch-data']?.payloads?.[0]?.data)
        .map((data) => JSON.parse(Buffer.from(data ?? []).toString('utf8')) as { id: string; deprecated: boolean });
      expect(patches.filter((patch) => patch.id === SERVER_GROUP_BEFORE_VIP)).toEqual([
        { id: SERVER_GROUP_BEFORE_VIP, deprecated: false },
      ]);

      // The new history replays on the patched code; a worker still on the old code could not take it over, which
      // is why every worker must run the patched code before the patch is removed.
      const saved: SavedHistory = { name: 'patched-new-run', file: '(new run)', history };
      const [onPatched] = await replayAll(patched, [saved]);
      expect(onPatched?.error).toBeUndefined();
      const [onOld] = await replayAll({ codePath: process.env.AMPHORA_TEST_WORKFLOW_BUNDLE ?? '' }, [saved]);
      expect(onOld?.error).toBeInstanceOf(DeterminismViolationError);
    } finally {
      await orchestrator.stop();
    }
  });
});
