import { Client, Connection } from '@temporalio/client';
import type { AppConfig } from '../config';

/** A Temporal client on the configured server and namespace, with a readable error when it cannot connect. */
export async function connectClient(config: AppConfig): Promise<{ client: Client; close: () => Promise<void> }> {
  const { address } = config.temporal.connectionOptions;
  let connection: Connection;
  try {
    connection = await Connection.connect({
      ...config.temporal.connectionOptions,
      address,
      connectTimeout: '5s',
    });
  } catch (err) {
    throw new Error(
      `Cannot reach the Temporal server at ${address} (TEMPORAL_ADDRESS): ${err instanceof Error ? err.message : String(err)}. Start one with ./temporal-dev.sh up, or point TEMPORAL_ADDRESS at yours.`,
      { cause: err },
    );
  }
  return { client: new Client({ connection, namespace: config.temporal.namespace }), close: () => connection.close() };
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
