import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { sweepOrphans } from '../workflows/sweeper/sweep-orphans';

/** The id of the schedule that runs the orphan sweeper, unless told otherwise. */
export const SWEEPER_SCHEDULE_ID = 'amphora-orphan-sweeper';

export interface SweeperScheduleOptions {
  /** The task queue the workers poll. */
  taskQueue: string;
  /** Time between two sweeps. */
  everyMs: number;
  /** How long a resource must stay orphaned before a sweep removes it (see `sweepOrphans`). */
  graceMs: number;
  /** Report only. */
  dryRun: boolean;
  scheduleId?: string;
}

/**
 * Creates the schedule that runs `sweepOrphans` every `everyMs`, or brings an existing one in line with these options,
 * so that calling it on every deploy is safe. A sweep that is still running (its grace outlasts the interval) makes
 * the next one skip rather than overlap.
 *
 * @returns whether the schedule was created (false: it existed and was updated).
 */
export async function ensureSweeperSchedule(
  client: Client,
  options: SweeperScheduleOptions,
): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = options.scheduleId ?? SWEEPER_SCHEDULE_ID;
  const spec = { intervals: [{ every: options.everyMs }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: sweepOrphans,
    workflowId: scheduleId,
    taskQueue: options.taskQueue,
    args: [{ dryRun: options.dryRun, graceMs: options.graceMs }] as Parameters<typeof sweepOrphans>,
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 60_000, pauseOnFailure: false };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
    return { scheduleId, created: true };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action, policies }));
  return { scheduleId, created: false };
}

/** Parses a duration like `90s`, `10m`, `1h` or `1500ms` into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration: use a whole number with ms, s, m, h or d (say 10m)`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
