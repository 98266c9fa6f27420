import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  condition,
  makeContinueAsNewFunc,
  setHandler,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import {
  applyCatalogChange,
  catalogQuery,
  catalogViolation,
  changeCatalogUpdate,
  emptyCatalog,
  FailureTypes,
  type CatalogChange,
  type CatalogState,
} from '../contracts';

/** Continue as new well before the history gets heavy: the state is all there is. */
const HISTORY_LIMIT = 2_000;

/**
 * The operators' catalog (flavors and their profiles, availability zones and theirs, quotas): one workflow per
 * deployment, `amphora-catalog-<task queue>`, for as long as it is used, like a load balancer's entity. Changes arrive as updates
 * whose validator refuses a duplicate, a missing profile or a profile in use before anything is written; the memo
 * carries the state, so the API reads it without a worker.
 */
export async function catalogEntity(input: { state?: CatalogState }): Promise<void> {
  // Checked before anything reads the input: a malformed one must fail the workflow once, not crash its task forever.
  if (!input || typeof input !== 'object') {
    throw ApplicationFailure.create({
      type: FailureTypes.validation,
      nonRetryable: true,
      message:
        'Invalid catalogEntity request: (request): expected {} or { state: <catalog> }. Nothing was started; the controller starts the catalog on its first change.',
    });
  }
  let state = input.state ?? emptyCatalog();
  setHandler(catalogQuery, () => state);
  setHandler(
    changeCatalogUpdate,
    (change: CatalogChange) => {
      state = applyCatalogChange(state, change);
      upsertMemo({ catalog: state });
      return state;
    },
    {
      validator: (change: CatalogChange) => {
        const violation = catalogViolation(state, change);
        if (violation) {
          throw ApplicationFailure.create({
            type: FailureTypes[violation.reason],
            nonRetryable: true,
            message: violation.message,
          });
        }
      },
    },
  );
  try {
    await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT);
  } catch (err) {
    // Cancelling the catalog (the Temporal UI's Cancel button) must not lose every flavor and quota: it starts over,
    // with the same state, like a history grown long.
    if (!isCancellation(err)) throw err;
  }
  await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  await makeContinueAsNewFunc<typeof catalogEntity>({ memo: { catalog: state } })({ state });
}
