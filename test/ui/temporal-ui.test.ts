import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { amphoraName } from '../../src/models';
import { createLoadBalancer } from '../../src/workflows';
import { freePort, startDevServer } from '../harness/dev-server';
import { connectTestTemporal, quietRuntime, type TestTemporal } from '../harness/temporal';
import { createRequest, failureOf, startOrchestrator, statusOf, type Orchestrator } from '../workflows/orchestrator';
import { ensureChromium, launchChromium } from './chromium';
import { readCompactRows, readEventRows, readExpandedEvent, type EventRow } from './history-page';

/**
 * What README "Seeing a run in the Temporal UI" promises, checked in a real browser: a create that fails at plugVip
 * and rolls back shows, on its page in the Temporal UI, the failed step and every undo by its readable summary.
 * The dev server here is its own, started with the Web UI (the suite's shared one is headless).
 */

const SCREENSHOT = join(__dirname, '..', '..', 'test-artifacts', 'temporal-ui-rollback.png');

let environment: TestWorkflowEnvironment | undefined;
let temporal: TestTemporal | undefined;
let orchestrator: Orchestrator | undefined;
let uiPort = 0;

beforeAll(async () => {
  ensureChromium();
  // Before the server starts the runtime: the run below fails on purpose, and the SDK's warnings would bury the output.
  quietRuntime('ERROR');
  uiPort = await freePort();
  environment = await startDevServer({ uiPort });
  temporal = await connectTestTemporal({ address: environment.address, namespace: environment.namespace });
  orchestrator = await startOrchestrator({ temporal, noop: { buildDelayMs: 50 } });
}, 900_000);

afterAll(async () => {
  await orchestrator?.stop();
  await temporal?.close();
  await environment?.teardown();
});

describe('the Temporal UI shows a rolled-back create step by step', () => {
  it('lists the failed plugVip step and every undo by its summary in the event history', async () => {
    if (!orchestrator) throw new Error('the orchestrator did not start');
    const request = createRequest({ topology: 'SINGLE' });
    orchestrator.drivers.faults.setPlan({ rules: [{ method: 'plugVip', call: 1, mode: 'before' }] });
    const handle = await orchestrator.temporal.client.workflow.start(createLoadBalancer, {
      taskQueue: orchestrator.taskQueue,
      workflowId: `ui-rollback-${request.loadBalancerId}`,
      args: [request],
    });
    const failure = await failureOf(handle);
    expect(failure.type).toBe('StepFailedError');
    expect(orchestrator.drivers.inventory()).toEqual(orchestrator.baseline);

    // The summaries the workflow gave each call, built from what the run used (amphora id, VIP address, timing).
    const status = await statusOf(handle);
    const amphora = amphoraName(status.amphorae[0]?.id ?? '(none)');
    const timing = request.timing ?? {};
    const expected = {
      validate: 'Validate the createLoadBalancer request',
      allocate: `Allocate VIP for load balancer ${request.loadBalancerId}`,
      build: `Build STANDALONE amphora ${amphora}`,
      wait: `Wait until STANDALONE amphora ${amphora} is ACTIVE (${timing.buildPollAttempts} x ${timing.buildPollIntervalMs} ms)`,
      finalize: `Finalize STANDALONE amphora ${amphora}`,
      plug: `Plug VIP ${status.vip?.ipAddress ?? '(none)'} into STANDALONE amphora ${amphora}`,
      undoUnplug: `Undo: unplug VIP from STANDALONE amphora ${amphora}`,
      undoDelete: `Undo: delete STANDALONE amphora ${amphora}`,
      undoDeallocate: `Undo: deallocate VIP of load balancer ${request.loadBalancerId}`,
    };
    const eventCount = (await handle.fetchHistory()).events?.length ?? 0;

    const chromium = await launchChromium({ width: 1440, height: 1520 });
    try {
      const page = await chromium.context.newPage();
      const url = `http://127.0.0.1:${uiPort}/namespaces/default/workflows/${handle.workflowId}/${handle.firstExecutionRunId}/history`;
      await page.goto(url);
      await page.getByTestId('workflow-id-heading').filter({ hasText: handle.workflowId }).waitFor();

      // The full view: one row per event, newest first.
      const rows = await readEventRows(page, eventCount);
      const row = (summary: string, eventType: string): EventRow => {
        const found = rows.find((r) => r.eventType === eventType && r.summary === summary);
        if (!found) {
          const shown = rows.filter((r) => r.summary).map((r) => `${r.eventId} ${r.eventType}: ${r.summary ?? ''}`);
          throw new Error(`No "${eventType}" row with the summary "${summary}"; shown: ${shown.join(' | ')}`);
        }
        return found;
      };
      // A driver step is a local activity: its row is the marker that records its outcome, the failure included.
      const plug = row(expected.plug, 'Local Activity');
      expect(plug.activityType).toBe('plugVip');
      const plugEvent = await readExpandedEvent(page, plug.eventId);
      expect(plugEvent).toContain('core_local_activity');
      expect(plugEvent).toContain('"attempt": 1');
      expect(plugEvent).toContain('Injected permanent fault in plugVip');

      // Undos are activity tasks, scheduled newest step first, after the failure.
      const undos = [expected.undoUnplug, expected.undoDelete, expected.undoDeallocate].map((summary) =>
        row(summary, 'Activity Task Scheduled'),
      );
      expect(undos.map((r) => r.activityType)).toEqual(['unplugVip', 'deleteAmphora', 'deallocateVip']);
      const undoIds = undos.map((r) => r.eventId);
      expect(undoIds[0]).toBeGreaterThan(plug.eventId);
      expect([...undoIds].sort((a, b) => a - b)).toEqual(undoIds);
      expect(rows.filter((r) => r.eventType === 'Activity Task Failed')).toEqual([]);

      const end = rows.find((r) => r.eventType === 'Workflow Execution Failed');
      expect(end?.details).toContain('failed at step "plug VIP into STANDALONE amphora"');
      expect(end?.details).toContain('nothing was left behind');

      // The compact view: one row per activity, the story in summaries alone.
      // Ten rows: the nine activities (local or not), and the marker of the one patch a new run asks (every patch,
      // decided at its start).
      const compact = (await readCompactRows(page, 10)).filter((row) => row.activityType);
      expect(compact.map((row) => row.summary)).toEqual([
        expected.undoDeallocate,
        expected.undoDelete,
        expected.undoUnplug,
        expected.plug,
        expected.finalize,
        expected.wait,
        expected.build,
        expected.allocate,
        expected.validate,
      ]);

      mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });
      expect(chromium.blocked).toEqual([]);
    } finally {
      await chromium.close();
    }
  });
});
