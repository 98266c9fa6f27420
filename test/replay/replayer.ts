import { Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describeEvent, isCommandEvent, prefixOf, type SavedHistory } from './histories';

/** What replaying one history against some workflow code gave. */
export interface ReplayOutcome {
  saved: SavedHistory;
  /** Undefined when the history replayed clean. */
  error?: Error;
}

/**
 * Replays histories against the workflows of `workflowBundle`, one replay worker for all of them.
 *
 * @returns one outcome per history, in order; it throws if the replay skipped any.
 */
export async function replayAll(
  workflowBundle: WorkflowBundleOption,
  histories: readonly SavedHistory[],
): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  const inputs = histories.map(({ name, history }) => ({ workflowId: name, history }));
  for await (const result of Worker.runReplayHistories({ workflowBundle, replayName: 'amphora-replay' }, inputs)) {
    const saved = histories[outcomes.length];
    if (!saved || saved.name !== result.workflowId) {
      throw new Error(`Replay answered for ${result.workflowId}, expected ${saved?.name ?? 'nothing more'}`);
    }
    outcomes.push({ saved, error: result.error });
  }
  if (outcomes.length !== histories.length) {
    throw new Error(`Replay stopped after ${outcomes.length} of ${histories.length} histories`);
  }
  return outcomes;
}

/**
 * Finds the event at which `saved` stops matching the code: of the prefixes of the history that end with a command
 * event, the shortest whose replay is nondeterministic ends with it (a shorter prefix replays as a run still in
 * progress would). Prefixes are cut only after command events: one cut elsewhere, before the first workflow task
 * completed, can leave the replay waiting for ever.
 *
 * @returns that event, described, or undefined if no prefix fails.
 */
export async function locateNondeterminism(
  workflowBundle: WorkflowBundleOption,
  saved: SavedHistory,
): Promise<string | undefined> {
  const events = saved.history.events ?? [];
  const cuts = events.flatMap((event, index) => (isCommandEvent(event) ? [index + 1] : []));
  const prefixes = cuts.map((count) => ({
    name: `${saved.name}@${count}`,
    file: saved.file,
    history: prefixOf(saved.history, count),
  }));
  const outcomes = await replayAll(workflowBundle, prefixes);
  const first = outcomes.findIndex((outcome) => outcome.error instanceof DeterminismViolationError);
  const cut = cuts[first];
  const event = cut === undefined ? undefined : events[cut - 1];
  return event ? describeEvent(event) : undefined;
}

/** The part of a replay error that says what did not match ("[TMPRL1100] Nondeterminism error: ..."). */
export function coreMessage(error: Error): string {
  return /message: "(.*?)", source:/.exec(error.message)?.[1] ?? error.message;
}

/**
 * A failure message for a history that did not replay clean, naming the file, the event where the code and the
 * history part, and what did not match.
 */
export async function explainReplayFailure(
  workflowBundle: WorkflowBundleOption,
  outcome: ReplayOutcome,
): Promise<string> {
  const { saved, error } = outcome;
  if (!error) return `${saved.file} replayed clean`;
  const where =
    error instanceof DeterminismViolationError ? await locateNondeterminism(workflowBundle, saved) : undefined;
  return `${saved.file}: ${error.name} at ${where ?? 'an unknown event'}: ${coreMessage(error)}`;
}
