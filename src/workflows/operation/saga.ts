import { CancellationScope } from '@temporalio/workflow';
import { describeFailure, type LeakedResource } from '../../contracts';

/** How to undo one step. */
export interface Compensation {
  /** What the undo removes, as an operator would look for it: `amphora amphora-3f2c`. */
  resource: string;
  /** Runs the undo. It must be idempotent: it may run for a step whose effect never happened. */
  undo: () => Promise<void>;
  /** Registered ahead of a step that has not run yet on this path (see {@link Saga.withdrawAhead}). */
  ahead?: boolean;
}

/** What undoing did: the resources removed, and those that could not be. */
export interface CompensationReport {
  undone: string[];
  leaked: LeakedResource[];
}

/**
 * Records how to undo each non-nullipotent step and undoes them all when a later step fails (DESIGN.md,
 * "Compensation"):
 * 1. a step's compensation is registered *before* the step runs, so a step that failed after its side effect (a lost
 *    response, a timeout) is still undone;
 * 2. compensations run last-in-first-out inside a non-cancellable scope, so a cancelled workflow still cleans up;
 * 3. each undo retries through its activity's retry policy; one that is exhausted is reported as leaked and the
 *    others still run. Nothing is swallowed: the caller turns leaks into a typed failure.
 */
export class Saga {
  private readonly compensations: Compensation[] = [];

  /** Registers an undo; call it before the step it undoes. */
  register(compensation: Compensation): void {
    this.compensations.push(compensation);
  }

  /**
   * Removes the undo registered ahead for `resource`, if there is one: the step is about to run, and registers its
   * own undo in its place in the order.
   */
  withdrawAhead(resource: string): void {
    const index = this.compensations.findIndex((entry) => entry.ahead && entry.resource === resource);
    if (index >= 0) this.compensations.splice(index, 1);
  }

  /** How many undos are registered. */
  get size(): number {
    return this.compensations.length;
  }

  /**
   * Runs every registered undo, newest first, even if the workflow is being cancelled.
   *
   * @param onUndo - told of each undo's start and outcome, for progress reporting.
   */
  async compensate(
    onUndo: (resource: string, outcome: 'running' | 'undone' | 'leaked', error?: string) => void = () => undefined,
  ): Promise<CompensationReport> {
    const report: CompensationReport = { undone: [], leaked: [] };
    const pending = this.compensations.splice(0).reverse();
    await CancellationScope.nonCancellable(async () => {
      for (const { resource, undo } of pending) {
        onUndo(resource, 'running');
        try {
          await undo();
          report.undone.push(resource);
          onUndo(resource, 'undone');
        } catch (err) {
          const error = describeFailure(err);
          report.leaked.push({ resource, error: `${error.type}: ${error.message}` });
          onUndo(resource, 'leaked', error.message);
        }
      }
    });
    return report;
  }
}
