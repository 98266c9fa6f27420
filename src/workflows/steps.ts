import {
  ActivityCancellationType,
  proxyActivities,
  proxyLocalActivities,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Timing } from '../models';
import { describeFailure } from './failures';
import type { Progress } from './progress';

type ActivityName = keyof Activities;
type Input<K extends ActivityName> = Parameters<Activities[K]>[0];
type Output<K extends ActivityName> = Awaited<ReturnType<Activities[K]>>;

/**
 * Runs activities as named steps: each call carries a readable summary for the Temporal UI, is recorded in the
 * operation's progress, and uses the retry policy of its kind (a driver step, a wait, or an undo).
 */
export class StepRunner {
  /** The step that failed last, for the failure message. */
  failedStep?: string;
  private readonly steps: ReturnType<typeof proxyActivities<Activities>>;
  private readonly undos: ReturnType<typeof proxyActivities<Activities>>;
  private readonly waits: ReturnType<typeof proxyActivities<Activities>>;
  private readonly reads: ReturnType<typeof proxyLocalActivities<Activities>>;

  constructor(
    private readonly timing: Timing,
    private readonly progress: Progress,
  ) {
    const retry = (maximumAttempts: number) => ({
      maximumAttempts,
      initialInterval: timing.retryInitialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: Math.max(timing.retryInitialIntervalMs, 10_000),
    });
    // A cancelled step is awaited to its end before anything is undone: an activity that is still running could
    // otherwise create its resource after the undo had looked for it.
    const base: ActivityOptions = {
      startToCloseTimeout: timing.activityTimeoutMs,
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    };
    this.steps = proxyActivities<Activities>({ ...base, retry: retry(timing.maxAttempts) });
    this.undos = proxyActivities<Activities>({ ...base, retry: retry(timing.compensationMaxAttempts) });
    const waitBudget = timing.buildPollIntervalMs * timing.buildPollAttempts;
    this.waits = proxyActivities<Activities>({
      ...base,
      startToCloseTimeout: waitBudget + timing.activityTimeoutMs * 2,
      heartbeatTimeout: timing.buildPollIntervalMs * 2 + timing.activityTimeoutMs,
      retry: retry(timing.maxAttempts),
    });
    this.reads = proxyLocalActivities<Activities>({
      startToCloseTimeout: timing.activityTimeoutMs,
      retry: retry(timing.maxAttempts),
    });
  }

  /**
   * Runs a nullipotent read as a local activity: it runs in this worker while the workflow task is open, so it costs
   * no round trip through the server. Only for reads that change nothing, since nothing registers an undo for it.
   */
  read<K extends ActivityName>(step: string, summary: string, activity: K, input: Input<K>): Promise<Output<K>> {
    return this.execute(this.reads, 'step', step, summary, activity, input);
  }

  /** Runs a driver step. */
  run<K extends ActivityName>(step: string, summary: string, activity: K, input: Input<K>): Promise<Output<K>> {
    return this.execute(this.steps, 'step', step, summary, activity, input);
  }

  /** Runs a long wait (it heartbeats, so a dead worker or a cancel is noticed quickly). */
  wait<K extends ActivityName>(step: string, summary: string, activity: K, input: Input<K>): Promise<Output<K>> {
    return this.execute(this.waits, 'step', step, summary, activity, input);
  }

  /** Runs an undo with the compensation retry policy; the saga turns its final failure into a leak report. */
  undo<K extends ActivityName>(step: string, summary: string, activity: K, input: Input<K>): Promise<Output<K>> {
    return this.execute(this.undos, 'undo', step, summary, activity, input);
  }

  private async execute<K extends ActivityName>(
    proxy: ReturnType<typeof proxyActivities<Activities>> | ReturnType<typeof proxyLocalActivities<Activities>>,
    kind: 'step' | 'undo',
    step: string,
    summary: string,
    activity: K,
    input: Input<K>,
  ): Promise<Output<K>> {
    const record = this.progress.begin(step, kind);
    try {
      const call = proxy[activity] as unknown as {
        executeWithOptions(options: ActivityOptions, args: [Input<K>]): Promise<Output<K>>;
      };
      const result = await call.executeWithOptions({ summary }, [input]);
      this.progress.finish(record, kind === 'undo' ? 'undone' : 'done');
      return result;
    } catch (err) {
      const { type, message } = describeFailure(err);
      this.progress.finish(record, kind === 'undo' ? 'leaked' : 'failed', `${type}: ${message}`);
      if (kind === 'step') this.failedStep ??= step;
      throw err;
    }
  }

  /** The timing the runner was made with. */
  get settings(): Timing {
    return this.timing;
  }
}
