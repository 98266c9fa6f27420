import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { dataConverterFor } from '../codec';
import type { AppConfig } from '../config';
import { answeredWithin, connectToTemporal, CONNECT_TIMEOUT_MS } from '../temporal-connection';
import { checkTemporalReady } from '../temporal-readiness';
import type { Tracing } from '../tracing';

/**
 * A Temporal client on the configured server and namespace, with a readable error when it cannot connect or the
 * namespace lacks what the workflows need.
 *
 * It uses the SDK's native connection, the one workers use: each call costs the process about 40 % less CPU than
 * through grpc-js (a describe: 0.94 against 1.62 ms of client CPU, 0.5 ms less latency; 12-02), which the API
 * server pays on every request it turns into a query, an update or a list.
 */
export async function connectClient(
  config: AppConfig,
  tracing?: Tracing,
): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await connectToTemporal(config, (options) =>
    answeredWithin(NativeConnection.connect(options), CONNECT_TIMEOUT_MS),
  );
  await checkTemporalReady(
    connection,
    config.temporal.connectionOptions.address ?? 'localhost:7233',
    config.temporal.namespace,
  ).catch(async (err: unknown) => {
    await connection.close();
    throw err;
  });
  const dataConverter = dataConverterFor(config.codecKeys);
  return {
    client: new Client({
      connection,
      namespace: config.temporal.namespace,
      dataConverter,
      plugins: tracing ? [tracing.plugin] : [],
    }),
    close: () => connection.close(),
  };
}

/** Workflow ids by operation, so an operation on a load balancer is found without a lookup. */
export const workflowIds = {
  create: (loadBalancerId: string) => `lb-${loadBalancerId}-create`,
  delete: (loadBalancerId: string) => `lb-${loadBalancerId}-delete`,
  failover: (loadBalancerId: string, amphoraId: string) => `lb-${loadBalancerId}-failover-${amphoraId}`,
};

/** The Web UI page of a workflow. */
export function workflowUrl(uiBase: string, namespace: string, workflowId: string): string {
  return `${uiBase.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
