/**
 * The workflow interceptor modules (operation metrics) that a worker registers and that every bundle of the workflows
 * must include: the worker's own bundling, and the prebuilt bundles of the tests and the bench.
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('./workflows/interceptors')];
