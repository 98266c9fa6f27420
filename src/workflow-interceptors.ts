/**
 * The workflow interceptor modules (operation metrics) that a worker registers and that every bundle of the workflows
 * must include: the worker's own bundling, and the prebuilt bundles of the tests and the bench.
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('./workflows/interceptors')];

/**
 * The modules a worker's workflows share (`bundlerOptions.preloadModules`, or `preloadModules` of a prebuilt bundle):
 * the workflows' entry and the interceptor modules, with everything they import. The SDK evaluates them once, before
 * any workflow runs, and freezes their exports. Without it, its reusable context evaluates them again for every
 * workflow it holds (about 50 modules each): a storm of 1000 failovers in flight held ~70 MiB more while it waited.
 *
 * This is safe because no workflow module keeps state in its module scope: what a workflow changes lives in its own
 * call frames. test/workflows/shared-modules.test.ts checks that one workflow cannot change what another sees.
 */
export function sharedWorkflowModules(workflowsPath: string): string[] {
  return [workflowsPath, ...WORKFLOW_INTERCEPTOR_MODULES];
}
