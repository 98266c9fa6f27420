import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflows } from './bundle';
import { startDevServer } from './dev-server';
import { bundleLocalScripts } from './local-scripts';

/** Holds the server between global setup and teardown (both run in jest's parent process). */
export const ENVIRONMENT_KEY = '__amphoraTemporalTestEnvironment';
/** Holds what global setup made for the run, for the teardown to report on and remove. */
export const MADE_KEY = '__amphoraMadeByGlobalSetup';

/** Paths global setup made (not those the caller set): the bundled local scripts, the data-plane figures. */
export interface MadeByGlobalSetup {
  localScripts?: string;
  dataplaneReport?: string;
}

/**
 * Starts one ephemeral, headless Temporal dev server (the real one, built from the pinned CLI) on a free port for
 * the whole run, and publishes its address through TEMPORAL_ADDRESS, which jest's test workers inherit.
 * When TEMPORAL_ADDRESS is already set, the tests use that server instead and nothing is started.
 */
export default async function globalSetup(): Promise<void> {
  await bundleSourceWorkflows();
  const made: MadeByGlobalSetup = {};
  if (!process.env.AMPHORA_LOCAL_SCRIPTS_DIR) {
    made.localScripts = bundleLocalScripts();
    process.env.AMPHORA_LOCAL_SCRIPTS_DIR = made.localScripts;
  }
  made.dataplaneReport = join(mkdtempSync(join(tmpdir(), 'amphora-dataplane-')), 'figures.jsonl');
  process.env.AMPHORA_DATAPLANE_REPORT = made.dataplaneReport;
  (globalThis as Record<string, unknown>)[MADE_KEY] = made;
  if (process.env.TEMPORAL_ADDRESS) {
    process.stderr.write(`\n[harness] using the Temporal server at TEMPORAL_ADDRESS=${process.env.TEMPORAL_ADDRESS}\n`);
    return;
  }
  const started = Date.now();
  const environment = await startDevServer();
  process.env.TEMPORAL_ADDRESS = environment.address;
  process.env.TEMPORAL_NAMESPACE = environment.namespace ?? 'default';
  (globalThis as Record<string, unknown>)[ENVIRONMENT_KEY] = environment;
  process.stderr.write(`\n[harness] Temporal dev server ${environment.address} up in ${Date.now() - started} ms\n`);
}

/**
 * Bundles the workflows once for the whole run (webpack takes seconds); tests hand the bundle to their workers
 * through AMPHORA_TEST_WORKFLOW_BUNDLE.
 */
async function bundleSourceWorkflows(): Promise<void> {
  const started = Date.now();
  const code = await bundleWorkflows(require.resolve('../../src/workflows'));
  const dir = mkdtempSync(join(tmpdir(), 'amphora-bundle-'));
  const path = join(dir, 'workflow-bundle.js');
  writeFileSync(path, code);
  process.env.AMPHORA_TEST_WORKFLOW_BUNDLE = path;
  process.stderr.write(`[harness] workflows bundled in ${Date.now() - started} ms\n`);
}
