import { loadConfig } from '../../src/config';
import { startApiServer, type ApiServer } from '../../src/controller/api/server';
import type { HeartbeatSource } from '../../src/controller/health/data-plane';
import { createLogger } from '../../src/logger';
import { startOrchestrator, type Orchestrator } from '../workflows/orchestrator';
import { apiClient } from './api-client';

/** An orchestrator with noop drivers and the REST API in front of it; `as(token)` is a client holding that token. */
export interface ApiBed {
  orchestrator: Orchestrator;
  server: ApiServer;
  as(token: string): ReturnType<typeof apiClient>;
}

/**
 * Starts an {@link ApiBed} before the file's tests and stops it after them; read it inside a test. The API checks
 * each create's VIP through the orchestrator's network driver.
 *
 * @param options.env - settings beside the connection ones (or a function giving them, read when the bed starts: for
 *   values known only then, such as a fake Keystone's URL); AMPHORA_API_TOKENS defaults to one operator's, `operator`.
 * @param options.neutronLookups - also serve Neutron's lookups from the noop cloud.
 * @param options.heartbeats - answer operating statuses and statistics from these heartbeats.
 */
export function useApiBed(
  options: {
    env?: Record<string, string> | (() => Record<string, string>);
    neutronLookups?: boolean;
    heartbeats?: HeartbeatSource;
  } = {},
): () => ApiBed {
  let bed: ApiBed | undefined;
  beforeAll(async () => {
    const orchestrator = await startOrchestrator();
    const config = loadConfig({
      TEMPORAL_ADDRESS: orchestrator.temporal.address,
      TEMPORAL_NAMESPACE: orchestrator.temporal.namespace,
      AMPHORA_TASK_QUEUE: orchestrator.taskQueue,
      AMPHORA_API_LISTEN: '127.0.0.1:0',
      AMPHORA_API_TOKENS: 'operator',
      ...(typeof options.env === 'function' ? options.env() : options.env),
    });
    const server = await startApiServer(config, orchestrator.temporal.client, createLogger('silent'), {
      port: 0,
      network: orchestrator.drivers.network,
      stats: orchestrator.drivers.amphora,
      noopCloud: options.neutronLookups ? orchestrator.drivers.cloud : undefined,
      heartbeats: options.heartbeats,
    });
    bed = { orchestrator, server, as: (token) => apiClient(server, token) };
  });
  afterAll(async () => {
    await bed?.server.close();
    await bed?.orchestrator.stop();
  });
  return () => {
    if (!bed) throw new Error('the API bed is read before it started');
    return bed;
  };
}
