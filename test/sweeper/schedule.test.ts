import { randomUUID } from 'node:crypto';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { ensureSweeperSchedule, parseDuration } from '../../src/controller/sweeper-schedule';
import type { SweepReport } from '../../src/contracts';
import { connectTestTemporal, type TestTemporal } from '../harness/temporal';
import { freshNamespace, startSweeperBed } from './bed';

let temporal: TestTemporal;
beforeAll(async () => {
  temporal = await connectTestTemporal();
});
afterAll(async () => {
  await temporal.close();
});

describe('ensureSweeperSchedule', () => {
  it('creates the schedule, updates it in place when called again, and its runs sweep', async () => {
    const space = await freshNamespace(temporal);
    const bed = await startSweeperBed(temporal, space);
    const scheduleId = `sweeper-${randomUUID().slice(0, 8)}`;
    try {
      const options = { taskQueue: bed.taskQueue, everyMs: 600_000, graceMs: 900_000, dryRun: true, scheduleId };
      expect(await ensureSweeperSchedule(space.client, options)).toEqual({ scheduleId, created: true });
      const handle = space.client.schedule.getHandle(scheduleId);
      let described = await handle.describe();
      expect(described.spec.intervals).toMatchObject([{ every: 600_000 }]);
      expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
      expect(described.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'sweepOrphans',
        taskQueue: bed.taskQueue,
        args: [{ dryRun: true, graceMs: 900_000 }],
      });

      const again = { ...options, everyMs: 300_000, graceMs: 0 };
      expect(await ensureSweeperSchedule(space.client, again)).toEqual({ scheduleId, created: false });
      described = await handle.describe();
      expect(described.spec.intervals).toMatchObject([{ every: 300_000 }]);
      expect(described.action).toMatchObject({ args: [{ dryRun: true, graceMs: 0 }] });

      await handle.trigger();
      const deadline = Date.now() + 30_000;
      let workflowId: string | undefined;
      while (!workflowId) {
        if (Date.now() > deadline) throw new Error('the triggered sweep never started');
        workflowId = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
        if (!workflowId) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const report = (await space.client.workflow.getHandle(workflowId).result()) as SweepReport;
      expect(report).toMatchObject({ dryRun: true, graceMs: 0, phase: 'done', removed: [] });
    } finally {
      await space.client.schedule
        .getHandle(scheduleId)
        .delete()
        .catch(() => undefined);
      await bed.stop();
    }
  });
});

describe('parseDuration', () => {
  it.each([
    ['1500ms', 1_500],
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['10', '10 minutes', '-5m', '1.5h', ''])('rejects %j, saying what a duration looks like', (text) => {
    expect(() => parseDuration(text)).toThrow(/not a duration: use a whole number with ms, s, m, h or d/);
  });
});
