import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { dataplaneSummary } from '../dataplane/report';
import { ENVIRONMENT_KEY, MADE_KEY, type MadeByGlobalSetup } from './global-setup';

/** Stops the dev server that global setup started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  const environment = (globalThis as Record<string, unknown>)[ENVIRONMENT_KEY] as TestWorkflowEnvironment | undefined;
  if (environment) await environment.teardown();
  const bundle = process.env.AMPHORA_TEST_WORKFLOW_BUNDLE;
  if (bundle) rmSync(dirname(bundle), { recursive: true, force: true });
  const made = (globalThis as Record<string, unknown>)[MADE_KEY] as MadeByGlobalSetup | undefined;
  if (made?.dataplaneReport) {
    const summary = dataplaneSummary(made.dataplaneReport);
    if (summary) process.stdout.write(`\n${summary}\n`);
    rmSync(dirname(made.dataplaneReport), { recursive: true, force: true });
  }
  if (made?.localScripts) rmSync(made.localScripts, { recursive: true, force: true });
}
