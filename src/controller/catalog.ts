import {
  WorkflowIdConflictPolicy,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  catalogWorkflowId,
  changeCatalogUpdate,
  emptyCatalog,
  FailureTypes,
  type CatalogChange,
  type CatalogState,
  LONG_LIVED_VERSIONING,
} from '../contracts';
import type { QuotaLimits } from '../models';
import { catalogEntity } from '../workflows/catalog';
import { isDeadline } from './deadline';
import { ConflictError, InputError, NotFoundError, UnavailableError } from './errors';

/** How long a change waits for a worker before it is refused (nothing changed). */
const DEFAULT_WAIT_MS = 15_000;

/**
 * The controller's view of the operators' catalog: flavors, availability zones, their profiles, quotas. Reads come
 * from the catalog workflow's memo (no worker needed; empty before the first change); changes are updates of that
 * workflow, started on first use.
 */
export class CatalogController {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly options: { workerWaitMs?: number } = {},
  ) {}

  /** The catalog as last published. */
  async read(): Promise<CatalogState> {
    try {
      const description = await this.client.workflow.getHandle(catalogWorkflowId(this.taskQueue)).describe();
      if (description.status.name !== 'RUNNING') return emptyCatalog();
      return (description.memo?.catalog as CatalogState | undefined) ?? emptyCatalog();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return emptyCatalog();
      throw err;
    }
  }

  /**
   * Makes a change, starting the catalog workflow if it is not running.
   *
   * @returns the catalog after the change.
   * @throws NotFoundError, ConflictError, InputError as the catalog refuses it; UnavailableError when no worker
   *   answered in time (the change may still be applied once one does).
   */
  async change(change: CatalogChange): Promise<CatalogState> {
    const waitMs = this.options.workerWaitMs ?? DEFAULT_WAIT_MS;
    const handle = await this.client.workflow.start(catalogEntity, {
      taskQueue: this.taskQueue,
      workflowId: catalogWorkflowId(this.taskQueue),
      args: [{}],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      versioningOverride: LONG_LIVED_VERSIONING,
    });
    const deadline = Date.now() + waitMs;
    try {
      return await this.client.connection.withDeadline(deadline, () =>
        handle.executeUpdate(changeCatalogUpdate, { args: [change] }),
      );
    } catch (err) {
      const failure = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
      if (failure instanceof ApplicationFailure) {
        if (failure.type === FailureTypes.notFound) throw new NotFoundError(failure.message, { cause: err });
        if (failure.type === FailureTypes.conflict) throw new ConflictError(failure.message, { cause: err });
        if (failure.type === FailureTypes.validation) throw new InputError('request', failure.message);
      }
      if (isDeadline(err, deadline)) {
        throw new UnavailableError(
          `No worker applied the catalog change within ${waitMs / 1000} s; it may still be applied when one runs. Check before you retry.`,
          30,
          { cause: err },
        );
      }
      throw err;
    }
  }

  /** A project's limits: its own where an operator set them, the defaults elsewhere. */
  static quotaFor(quotas: CatalogState['quotas'], projectId: string, defaults: QuotaLimits): QuotaLimits {
    return { ...defaults, ...quotas[projectId] };
  }
}
