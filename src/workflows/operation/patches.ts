import { patched } from '@temporalio/workflow';

/**
 * The patches of the operations' workflows, and when a run asks them.
 *
 * A patch must be asked in the operation's first workflow task, before anything else. A status query that reaches the
 * worker while a workflow task runs local steps makes the SDK's core end that task early: the step's marker goes into
 * the history, and the code after the step runs in the next task. A replay runs that code in the earlier task, where
 * it cannot see a patch marker the next task recorded, so `patched()` asked there answers false and the history no
 * longer replays (CI at 530fa6e: `amphora lb create --wait` watched a create whose history then failed to replay; a
 * worker restart would have left the load balancer stuck in PENDING_CREATE). `test/replay/queried.test.ts` shows it.
 */

/**
 * The patch that runs driver steps as local activities. Histories recorded before it scheduled each step as an
 * activity task, and replay that way.
 */
export const LOCAL_STEPS_PATCH = 'driver-steps-as-local-activities';

/**
 * The patch that runs reads inside parallel branches as activity tasks, as driver steps there already were (see
 * `Operation.allOrNothing`). Histories recorded before it ran them as local activities, and replay that way.
 */
export const BRANCH_READS_PATCH = 'reads-in-branches-as-activity-tasks';

/**
 * The patch that records the steps before a forward-only part before its first step runs (see
 * `Operation.forwardOnly`). Histories recorded before it went straight on, and replay that way.
 */
export const DURABLE_BEFORE_FORWARD_ONLY_PATCH = 'steps-recorded-before-forward-only';

/**
 * The patch that registers, before the first step, the undos of what an operation makes later under names it has
 * already chosen (see `Operation.undoAhead`). Histories recorded before it undo only what their path ran.
 */
export const UNDO_AHEAD_PATCH = 'undo-what-a-lost-task-may-have-made';

/**
 * The patch that brought the amphora driver into the unit (finalize, the VIP's interface, the listeners' configuration):
 * histories recorded before it replay without those steps.
 */
export const AMPHORA_DRIVER_PATCH = 'amphora-driver-steps';

/** Histories from before it unplugged the old amphora's VIP port first, then deleted the amphora. */
export const OLD_AMPHORA_GOES_FIRST_PATCH = 'failover-old-amphora-before-its-vip-port';

/** The patches above, asked where their paths part, before the rule of asking at the start. */
const ASKED_IN_PLACE: ReadonlySet<string> = new Set([
  LOCAL_STEPS_PATCH,
  BRANCH_READS_PATCH,
  DURABLE_BEFORE_FORWARD_ONLY_PATCH,
  UNDO_AHEAD_PATCH,
  AMPHORA_DRIVER_PATCH,
  OLD_AMPHORA_GOES_FIRST_PATCH,
]);

/**
 * The patch, asked at the start of every operation, that answers all of {@link ASKED_IN_PLACE} at once: a run that has
 * it takes them all and asks none of them again. Older histories answer each where they asked it.
 */
export const PATCHES_AT_START_PATCH = 'patches-decided-at-start';

/**
 * The health manager's patch, asked as its first statement: decide whether to continue as new right after the wait
 * between looks (the first thing its workflow task runs) instead of right after a look (a local step that a query can
 * cut off from the code after it: the history's length then differs on replay), and date a breaker's opening by the
 * look instead of the workflow's clock. Runs recorded before it decide as they did.
 */
export const HEALTH_MANAGER_QUERY_SAFE_PATCH = 'health-manager-decides-where-a-query-cannot-move-it';

/** Which patches one run of an operation takes. */
export class Patches {
  private constructor(private readonly atStart: ReadonlyMap<string, boolean>) {}

  /**
   * Asks {@link PATCHES_AT_START_PATCH} and `patchIds` (the operation's patches added since) now. Call it before the
   * workflow's first `await`, so that every run asks them in its first workflow task.
   */
  static askAtStart(patchIds: readonly string[]): Patches {
    return new Patches(new Map([PATCHES_AT_START_PATCH, ...patchIds].map((id) => [id, patched(id)])));
  }

  /**
   * Whether this run takes the path of `patchId`: the answer given at the start, or for a patch from before that
   * rule, true in a run that has {@link PATCHES_AT_START_PATCH} and the history's own answer in an older one.
   *
   * @throws Error for a patch that was neither asked at the start nor is one of the older ones: asked later, its
   *   answer could differ on replay (see the module's comment).
   */
  takes(patchId: string): boolean {
    const answer = this.atStart.get(patchId);
    if (answer !== undefined) return answer;
    if (!ASKED_IN_PLACE.has(patchId)) {
      throw new Error(
        `The patch "${patchId}" was not asked at the operation's start: pass it in Operation.begin's patchIds ` +
          '(README, "Changing a workflow safely").',
      );
    }
    return this.atStart.get(PATCHES_AT_START_PATCH) === true || patched(patchId);
  }
}
