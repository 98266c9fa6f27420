import { loadConfig } from '../../src/config';
import { startApiServer, type ApiServer } from '../../src/controller/api/server';
import { createLogger } from '../../src/logger';
import { apiClient } from '../controller/api-client';
import { startOrchestrator, type Orchestrator } from '../workflows/orchestrator';

/** An orchestrator with noop drivers, the REST API in front of it, and a client holding the operator's token. */
export interface ApiBed {
  orchestrator: Orchestrator;
  server: ApiServer;
  call: ReturnType<typeof apiClient>;
}

/** Starts an {@link ApiBed} before the file's tests and stops it after them; read it inside a test. */
export function useApiBed(): () => ApiBed {
  let bed: Partial<ApiBed> = {};
  beforeAll(async () => {
    const orchestrator = await startOrchestrator();
    const config = loadConfig({
      TEMPORAL_ADDRESS: orchestrator.temporal.address,
      TEMPORAL_NAMESPACE: orchestrator.temporal.namespace,
      AMPHORA_TASK_QUEUE: orchestrator.taskQueue,
      AMPHORA_API_LISTEN: '127.0.0.1:0',
      AMPHORA_API_TOKENS: 'operator',
    });
    const server = await startApiServer(config, orchestrator.temporal.client, createLogger('silent'), {
      port: 0,
      network: orchestrator.drivers.network,
    });
    bed = { orchestrator, server, call: apiClient(server, 'operator') };
  });
  afterAll(async () => {
    await bed.server?.close();
    await bed.orchestrator?.stop();
  });
  return () => {
    if (!bed.orchestrator || !bed.server || !bed.call) throw new Error('the API bed is read before it started');
    return bed as ApiBed;
  };
}
