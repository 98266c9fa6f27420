import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ENVIRONMENT_KEY } from './global-setup';

/** Stops the dev server that global setup started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  const environment = (globalThis as Record<string, unknown>)[ENVIRONMENT_KEY] as TestWorkflowEnvironment | undefined;
  if (environment) await environment.teardown();
  const bundle = process.env.AMPHORA_TEST_WORKFLOW_BUNDLE;
  if (bundle) rmSync(dirname(bundle), { recursive: true, force: true });
}
