import { workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { OPERATIONS } from '../contracts';
import { countOperation } from './operation/metrics';

/** The workflows that carry out one operation and end; the long-lived entity (and catalog, health manager) are not. */
const OPERATION_WORKFLOWS = new Set<string>(
  Object.entries(OPERATIONS)
    .filter(([name]) => name !== 'load-balancer')
    .map(([, spec]) => spec.workflow),
);

/**
 * Counts every operation workflow's start and end by workflow type. A workflow interceptor module: the worker names
 * it in `interceptors.workflowModules` (bundled with the workflows), so no workflow has to remember to count.
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        const operation = workflowInfo().workflowType;
        if (!OPERATION_WORKFLOWS.has(operation)) return next(input);
        countOperation('started', operation);
        try {
          const result = await next(input);
          countOperation('succeeded', operation);
          return result;
        } catch (err) {
          countOperation('failed', operation);
          throw err;
        }
      },
    },
  ],
});
