import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { FailureTypes, type ValidatedWorkflow } from '../contracts';
import {
  ConfigureLoadBalancerInputSchema,
  CreateAmphoraInputSchema,
  CreateLoadBalancerInputSchema,
  DeleteLoadBalancerInputSchema,
  describeZodError,
  FailoverAmphoraInputSchema,
  HealthManagerInputSchema,
  MemberNetworkInputSchema,
  SweepOrphansInputSchema,
} from '../models';

/** The schema of each workflow's input. */
const INPUT_SCHEMAS = {
  createLoadBalancer: CreateLoadBalancerInputSchema,
  createAmphoraWithVip: CreateAmphoraInputSchema,
  deleteLoadBalancer: DeleteLoadBalancerInputSchema,
  failoverAmphora: FailoverAmphoraInputSchema,
  plugMemberNetwork: MemberNetworkInputSchema,
  unplugMemberNetwork: MemberNetworkInputSchema,
  sweepOrphans: SweepOrphansInputSchema,
  configureLoadBalancer: ConfigureLoadBalancerInputSchema,
  healthManager: HealthManagerInputSchema,
} as const satisfies Record<ValidatedWorkflow, z.ZodType>;

export type WorkflowName = keyof typeof INPUT_SCHEMAS;

/** Each workflow's input once validated, with defaults filled in. */
export type ValidInput<W extends WorkflowName> = z.output<(typeof INPUT_SCHEMAS)[W]>;

/**
 * Validation runs as a local activity, outside the workflow sandbox: zod's schemas are then built once per process
 * instead of once per workflow (the sandbox re-evaluates workflow modules for each workflow), and a bad request still
 * fails before any driver call, never retried.
 */
export function createValidationActivities() {
  return {
    // Synchronous work in an async function, as activities must be.
    // eslint-disable-next-line @typescript-eslint/require-await
    async validateWorkflowInput<W extends WorkflowName>(input: {
      workflow: W;
      request: unknown;
    }): Promise<ValidInput<W>> {
      const schema: z.ZodType = INPUT_SCHEMAS[input.workflow];
      if (!schema)
        throw ApplicationFailure.nonRetryable(
          `No workflow is named ${String(input.workflow)}`,
          FailureTypes.validation,
        );
      const parsed = schema.safeParse(input.request);
      if (parsed.success) return parsed.data as ValidInput<W>;
      const { field, constraint } = describeZodError(parsed.error);
      throw ApplicationFailure.create({
        type: FailureTypes.validation,
        message: `Invalid ${input.workflow} request: ${field}: ${constraint}. Nothing was created; fix the field and start again.`,
        nonRetryable: true,
        details: [{ field, constraint }],
      });
    },
  };
}
