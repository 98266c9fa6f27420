import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../config';
import { connectClient } from '../controller/client';
import { ALL_SEARCH_ATTRIBUTES } from '../contracts';
import { findServerPid } from './server-process';
import { serverDynamicConfig } from './tuning';

const PROJECT_DIR = join(__dirname, '..', '..');

/** The `temporal` CLI that `temporal-dev.sh` runs (it builds the pinned version when none is found). */
export function devServerCli(): string {
  return (
    execFileSync(join(PROJECT_DIR, 'temporal-dev.sh'), ['path'], { encoding: 'utf8' }).trim().split('\n').pop() ?? ''
  );
}

/**
 * An in-memory dev server with the dynamic config users run (`temporal-dev.sh dynamic-config`) and our search
 * attributes, and its pid for measuring its CPU (undefined when it cannot be found).
 */
export async function startBenchDevServer(
  cli: string,
): Promise<{ server: TestWorkflowEnvironment; serverPid?: number }> {
  const server = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli },
      ip: '127.0.0.1',
      searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
      extraArgs: serverDynamicConfig(PROJECT_DIR).flatMap((value) => ['--dynamic-config-value', value]),
    },
  });
  return { server, serverPid: findServerPid(server.address.split(':').pop() ?? '') };
}

/**
 * A client on the server at `address` as the API server makes one (`connectClient`: the SDK's native connection), so
 * that the client's share of an operation's CPU is what users run.
 */
export function productClient(address: string): Promise<{ client: Client; close: () => Promise<void> }> {
  return connectClient(loadConfig({ ...process.env, TEMPORAL_ADDRESS: address }));
}
