import { ActivityFailure, ApplicationFailure, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities, ValidInput } from '../../activities';
import { FailureTypes, type ValidatedWorkflow } from '../../contracts';

const validator = proxyLocalActivities<Pick<Activities, 'validateWorkflowInput'>>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: [FailureTypes.validation] },
});

/**
 * Validates a workflow's input through the `validateWorkflowInput` local activity (no server round trip; zod stays
 * out of the sandbox) and returns it with defaults filled in.
 *
 * @throws the non-retryable ValidationError naming the field, unwrapped from its activity failure so that the
 *   workflow fails with it.
 */
export async function validateInput<W extends ValidatedWorkflow>(
  workflow: W,
  request: unknown,
): Promise<ValidInput<W>> {
  const call = validator.validateWorkflowInput as unknown as {
    executeWithOptions(options: ActivityOptions, args: [{ workflow: W; request: unknown }]): Promise<ValidInput<W>>;
  };
  try {
    return await call.executeWithOptions({ summary: `Validate the ${workflow} request` }, [{ workflow, request }]);
  } catch (err) {
    throw err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : err;
  }
}
