import { bundleWorkflowCode } from '@temporalio/worker';
import { sharedWorkflowModules, WORKFLOW_INTERCEPTOR_MODULES } from '../../src/workflow-interceptors';

/**
 * Bundles the workflows exported by `workflowsPath` (webpack takes seconds), keeping the bundler's chatter out of the
 * output but not its errors. The jest global setup bundles src/workflows once with it; the replay tests bundle their
 * changed copies of the workflows with it.
 *
 * @returns the bundle's code, for `workflowBundle: { code }` of a worker or a replay.
 */
export async function bundleWorkflows(workflowsPath: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    // As a worker bundles them (src/worker.ts): the operation metrics' interceptor goes with the workflows, and the
    // workflows share their modules.
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    preloadModules: sharedWorkflowModules(workflowsPath),
    logger: {
      trace() {},
      debug() {},
      info() {},
      warn() {},
      error: (message) => process.stderr.write(`${message}\n`),
      log() {},
    },
  });
  return code;
}
