import type { Activities } from '../../activities';

export type ActivityName = keyof Activities;
export type ActivityInput<K extends ActivityName> = Parameters<Activities[K]>[0];
export type ActivityOutput<K extends ActivityName> = Awaited<ReturnType<Activities[K]>>;

/**
 * How a step's activity runs: `call` a driver step (a local activity in histories from LOCAL_STEPS_PATCH on, an
 * activity task before), `wait` a long wait that heartbeats (always an activity task), `read` a nullipotent read as
 * a local activity. Inside parallel branches both `call` and `read` run as activity tasks (Operation.allOrNothing).
 */
export type StepMode = 'call' | 'wait' | 'read';

/**
 * One step of an operation, declared once: the activity it runs, and how it reads in the status query and the
 * Temporal UI. `I` is what the workflow hands the step: the activity's input plus whatever its labels need.
 */
export interface Step<I, K extends ActivityName> {
  activity: K;
  /** `call` unless told otherwise. */
  mode?: StepMode;
  /** The step's name in the status query, the CLI and failure messages: `build MASTER amphora`. */
  name(input: I): string;
  /** The activity's summary in the Temporal UI: `Build MASTER amphora amphora-3f2c`. */
  summary(input: I): string;
  /** The activity's argument. */
  args(input: I): ActivityInput<K>;
}

/** How to undo a step: registered before the step runs, run (newest first) when a later step fails. */
export interface Undo<I, R, U extends ActivityName> {
  activity: U;
  /** What the undo removes, as an operator would look for it: `amphora amphora-3f2c`. */
  resource(input: I): string;
  /** Names the undo after `undo: ` in the status query, the CLI and the Temporal UI: `delete MASTER amphora`. */
  name(input: I): string;
  /** Its summary after `Undo: `: `delete MASTER amphora amphora-3f2c`. */
  summary(input: I): string;
  /**
   * The undo activity's argument. `result` is the step's result, or undefined when the step never answered (it
   * failed after its side effect, or timed out): the undo must then find what the step made by its deterministic name.
   */
  args(input: I, result: R | undefined): ActivityInput<U>;
}

/** A step with side effects that a later failure must undo (Octavia's task with `execute` and `revert`). */
export interface UndoableStep<I, K extends ActivityName, U extends ActivityName> extends Step<I, K> {
  undo: Undo<I, ActivityOutput<K>, U>;
}

/** Declares a step that has no undo: a read, a wait, or a forward-only step. */
export const step = <I, K extends ActivityName>(spec: Step<I, K>): Step<I, K> & { undo?: never } => spec;

/** Declares a step together with its undo. */
export const undoableStep = <I, K extends ActivityName, U extends ActivityName>(
  spec: UndoableStep<I, K, U>,
): UndoableStep<I, K, U> => spec;
