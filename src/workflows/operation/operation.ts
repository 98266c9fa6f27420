import {
  ActivityCancellationType,
  CancellationScope,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  type ActivityOptions,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, ValidInput } from '../../activities';
import { describeFailure, OPERATIONS, type OperationName, type WorkflowOf } from '../../contracts';
import type { Timing } from '../../models';
import { countOperation, countUndo } from './metrics';
import { operationFailure } from './outcome';
import { allOrNothing } from '../parallel';
import {
  Patches,
  BRANCH_READS_PATCH,
  DURABLE_BEFORE_FORWARD_ONLY_PATCH,
  LOCAL_STEPS_PATCH,
  UNDO_AHEAD_PATCH,
} from './patches';
import { Progress } from './progress';
import { Saga } from './saga';
import { validateInput } from './validate';
import type { ActivityName, ActivityOutput, Step, StepMode, UndoableStep } from './step';

type Proxy = Record<ActivityName, unknown>;

type Call<K extends ActivityName> = {
  executeWithOptions(options: ActivityOptions, args: [unknown]): Promise<ActivityOutput<K>>;
};

/** The operations whose input `validateWorkflowInput` checks. */
type ValidatedOperation = Exclude<OperationName, 'load-balancer' | 'sweep'>;

/**
 * One running operation: its progress (the status query), its steps, and what undoes them. A workflow reads as a
 * list of steps: `const vip = await op.undoable(allocateVip, input)` registers the undo of the step *before* running
 * it (a step that failed after its side effect is still undone), `op.run(updateVip, input)` runs a step that has
 * none. {@link Operation.undoOnFailure} and {@link Operation.forwardOnly} say what a failure of the body means.
 */
export class Operation {
  private readonly saga = new Saga();
  private readonly proxies: Record<StepMode | 'undo' | 'local', Proxy>;
  /** Whether driver steps run as local activities: decided at the first one, from the history (see LOCAL_STEPS_PATCH). */
  private localSteps?: boolean;
  /** Whether undos are registered ahead of their steps: decided at the first one (see UNDO_AHEAD_PATCH). */
  private undoesAhead?: boolean;
  /** Whether reads in branches run as activity tasks: decided at the first one (see BRANCH_READS_PATCH). */
  private branchReadsAsTasks?: boolean;
  /**
   * Whether a step ran as a local activity since the history last recorded the operation's progress: its result is
   * not in the history until the workflow task that ran it completes.
   */
  private localSinceRecorded = false;
  /** How many {@link Operation.allOrNothing} sections with more than one branch are running. */
  private branching = 0;
  /** The step that failed first, for the failure message. */
  private failedStep?: string;

  private constructor(
    readonly progress: Progress,
    readonly timing: Timing,
    /** The patches this run takes, asked before anything else the workflow did. */
    private readonly patches: Patches,
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
      // Activities heartbeat while they run (activities/failures.ts), so a cancel reaches them and a dead worker is
      // noticed well before the start-to-close timeout.
      heartbeatTimeout: Math.min(timing.activityTimeoutMs, 10_000),
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    };
    const waitBudget = timing.buildPollIntervalMs * timing.buildPollAttempts;
    this.proxies = {
      call: proxyActivities<Activities>({ ...base, retry: retry(timing.maxAttempts) }),
      // A driver step as a local activity runs inside the workflow task that asked for it and is recorded with the
      // task's completion: no activity task through the server and no workflow task after it, so a failover costs
      // two workflow tasks instead of ten. It is as durable: a worker that dies before the task completes leaves no
      // record, and the next worker runs the step again, which every step allows (drivers find what they made by
      // its deterministic name). Waits stay activities: a boot takes minutes and heartbeats.
      local: proxyLocalActivities<Activities>({
        startToCloseTimeout: timing.activityTimeoutMs,
        cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        retry: retry(timing.maxAttempts),
      }),
      undo: proxyActivities<Activities>({ ...base, retry: retry(timing.compensationMaxAttempts) }),
      wait: proxyActivities<Activities>({
        ...base,
        startToCloseTimeout: waitBudget + timing.activityTimeoutMs * 2,
        heartbeatTimeout: timing.buildPollIntervalMs * 2 + timing.activityTimeoutMs,
        retry: retry(timing.maxAttempts),
      }),
      read: proxyLocalActivities<Activities>({
        startToCloseTimeout: timing.activityTimeoutMs,
        retry: retry(timing.maxAttempts),
      }),
    };
  }

  /**
   * Starts an operation: tracks it from its raw request, then validates the request (a local activity: no server
   * round trip). An invalid one ends the operation in ERROR with a non-retryable ValidationError naming the field.
   *
   * @returns the operation, and its input with defaults filled in.
   */
  static async begin<N extends ValidatedOperation>(
    operation: N,
    request: unknown,
    patchIds: readonly string[] = [],
  ): Promise<{ op: Operation; input: ValidInput<WorkflowOf<N>> }> {
    // First, in the workflow's first activation: no query can end that task before it (see Patches).
    const patches = Patches.askAtStart(patchIds);
    const progress = Progress.forRequest(operation, request);
    try {
      const input = await validateInput(OPERATIONS[operation].workflow as WorkflowOf<N>, request);
      return { op: new Operation(progress, input.timing, patches), input };
    } catch (err) {
      progress.setStatus('ERROR');
      progress.status.error = err instanceof Error ? err.message : String(err);
      throw err;
    }
  }

  /** The status the `status` query answers. */
  get status() {
    return this.progress.status;
  }

  /** Runs a step that has no undo of its own: a read, a wait, or a step of a forward-only operation. */
  run<I, K extends ActivityName>(step: Step<I, K> & { undo?: never }, input: I): Promise<ActivityOutput<K>> {
    return this.execute('step', step.mode ?? 'call', step.activity, step.name(input), step.summary(input), () =>
      step.args(input),
    );
  }

  /**
   * Registers the step's undo, then runs the step. The undo gets the step's result when there is one, so it removes
   * by id; without one (a lost response) it finds what the step made by its deterministic name.
   */
  async undoable<I, K extends ActivityName, U extends ActivityName>(
    step: UndoableStep<I, K, U>,
    input: I,
  ): Promise<ActivityOutput<K>> {
    let result: ActivityOutput<K> | undefined;
    this.saga.withdrawAhead(step.undo.resource(input));
    this.registerUndo(step, input, () => result, false);
    result = await this.run(step as Step<I, K>, input);
    return result;
  }

  /**
   * Registers now the undo of a step this operation runs later, so that a rollback that comes before the step still
   * removes what it makes. A worker that dies before it reports a workflow task may have run the task's steps further
   * than the next worker gets: the next worker runs the task again, a step that succeeded the first time can fail
   * for good this time, and the rollback then knows only the steps of its own path (CI at d68143a: a create rolled
   * back at its VIP, while the dead worker had already built the amphora). The undo finds what the step made by its
   * deterministic name, and does nothing when the step never ran. When the step does run (`undoable`), its own undo
   * takes this one's place. Does nothing in a history that predates it (see {@link Operation.undoesAheadOfSteps}).
   */
  undoAhead<I, K extends ActivityName, U extends ActivityName>(step: UndoableStep<I, K, U>, input: I): void {
    if (this.undoesAheadOfSteps) this.registerUndo(step, input, () => undefined, true);
  }

  /** Registers the undo of `step`, which gets the step's result (`result()`) when there is one. */
  private registerUndo<I, K extends ActivityName, U extends ActivityName>(
    step: UndoableStep<I, K, U>,
    input: I,
    result: () => ActivityOutput<K> | undefined,
    ahead: boolean,
  ): void {
    const { undo } = step;
    this.saga.register({
      resource: undo.resource(input),
      ahead,
      undo: async () => {
        await this.execute(
          'undo',
          'undo',
          undo.activity,
          `undo: ${undo.name(input)}`,
          `Undo: ${undo.summary(input)}`,
          () => undo.args(input, result()),
        );
      },
    });
  }

  /**
   * Whether this operation registers undos ahead of their steps ({@link Operation.undoAhead}), decided at the first
   * ask from the history (UNDO_AHEAD_PATCH). A workflow that chooses names ahead for it asks first, so that a history
   * recorded before keeps its old order of choices.
   */
  get undoesAheadOfSteps(): boolean {
    this.undoesAhead ??= this.takesPatch(UNDO_AHEAD_PATCH);
    return this.undoesAhead;
  }

  /**
   * Whether this run takes the path of `patchId`: one asked at the start (`Operation.begin`'s `patchIds`), or one of
   * the patches from before that rule ({@link Patches.takes}).
   */
  takesPatch(patchId: string): boolean {
    return this.patches.takes(patchId);
  }

  /**
   * Runs `body`, whose steps are all undone (newest first, even when the workflow is cancelled) if it fails. The load
   * balancer then goes to ERROR, and the workflow ends with a StepFailedError naming the failed step, its
   * cancellation, or a ResourcesLeakedError naming every resource an undo could not remove.
   */
  async undoOnFailure<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      const report = await this.saga.compensate();
      if (report.leaked.length === 0) countOperation('rolled_back', workflowInfo().workflowType);
      this.progress.setStatus('ERROR');
      throw operationFailure(err, { status: this.status, failedStep: this.failedStep, ...report });
    }
  }

  /**
   * Runs `body` forward only: nothing is undone when it fails (every step is idempotent), the load balancer goes to
   * ERROR, and the failure tells the operator `remedy` and lists the amphorae that exist now.
   */
  async forwardOnly<T>(remedy: string, body: () => Promise<T>): Promise<T> {
    try {
      await this.recordProgress();
      return await body();
    } catch (err) {
      this.progress.setStatus('ERROR');
      throw operationFailure(err, { status: this.status, failedStep: this.failedStep, undone: [], leaked: [], remedy });
    }
  }

  /**
   * Makes the history record every step that ran as a local activity so far, before a step that cannot be undone.
   * A local activity's result reaches the history only when its workflow task completes. If the worker dies first,
   * the next worker runs the task again, and a step that succeeded the first time can fail this time: the workflow
   * then rolls back, while the first worker may already have run steps beyond it (CI at 1f7fe59: a failover rolled
   * back after the dead worker had deleted the old amphora). A 1 ms timer ends the workflow task, so its results
   * are recorded; a cancel waits for the next step, as it would have.
   */
  private async recordProgress(): Promise<void> {
    if (!this.localSinceRecorded || !this.takesPatch(DURABLE_BEFORE_FORWARD_ONLY_PATCH)) return;
    await CancellationScope.nonCancellable(() =>
      sleep(1, { summary: 'record the steps so far before the forward-only steps' }),
    );
    this.localSinceRecorded = false;
  }

  /**
   * Runs branches side by side, all or nothing ({@link allOrNothing}: a failed branch cancels the others). Their
   * driver steps and reads run as activity tasks, not local activities: the SDK's core cannot cancel a local activity
   * that has finished but not yet been reported in the same workflow task (a nondeterminism error; the task is then
   * retried and runs the step again).
   */
  async allOrNothing<T>(branches: (() => Promise<T>)[]): Promise<T[]> {
    if (branches.length < 2) return allOrNothing(branches);
    this.branching += 1;
    try {
      return await allOrNothing(branches);
    } finally {
      this.branching -= 1;
    }
  }

  private proxyOf(mode: StepMode | 'undo'): StepMode | 'undo' | 'local' {
    if (mode === 'read' && this.branching > 0) {
      this.branchReadsAsTasks ??= this.takesPatch(BRANCH_READS_PATCH);
      return this.branchReadsAsTasks ? 'call' : 'read';
    }
    if (mode !== 'call') return mode;
    this.localSteps ??= this.takesPatch(LOCAL_STEPS_PATCH);
    return this.localSteps && this.branching === 0 ? 'local' : 'call';
  }

  private async execute<K extends ActivityName>(
    kind: 'step' | 'undo',
    mode: StepMode | 'undo',
    activity: K,
    name: string,
    summary: string,
    args: () => unknown,
  ): Promise<ActivityOutput<K>> {
    const record = this.progress.begin(name, kind);
    try {
      const proxy = this.proxyOf(mode);
      if (proxy === 'local' || proxy === 'read') this.localSinceRecorded = true;
      const call = this.proxies[proxy][activity] as Call<K>;
      const result = await call.executeWithOptions({ summary }, [args()]);
      this.progress.finish(record, kind === 'undo' ? 'undone' : 'done');
      if (kind === 'undo') countUndo('removed', workflowInfo().workflowType);
      return result;
    } catch (err) {
      const { type, message } = describeFailure(err);
      this.progress.finish(record, kind === 'undo' ? 'leaked' : 'failed', `${type}: ${message}`);
      if (kind === 'undo') countUndo('leaked', workflowInfo().workflowType);
      if (kind === 'step') this.failedStep ??= name;
      throw err;
    }
  }
}
