import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';

let runtimeQuiet = false;

/**
 * Keeps the worker runtime's own logs at ERROR (or `level`): a passing run prints no warning for the failures its tests
 * cause on purpose, so that a real failure stands out. It must run before anything creates the
 * runtime (a worker, a native connection, an ephemeral server).
 */
export function quietRuntime(level: 'WARN' | 'ERROR' = 'ERROR'): void {
  if (runtimeQuiet) return;
  runtimeQuiet = true;
  try {
    Runtime.install({
      logger: new DefaultLogger(level),
      telemetryOptions: { logging: { filter: { core: level, other: 'ERROR' } } },
    });
  } catch {
    // Already installed by an earlier test in this worker process: nothing to do.
  }
}

/** A connection to the server that the jest global setup started (or the one TEMPORAL_ADDRESS names). */
export interface TestTemporal {
  address: string;
  namespace: string;
  client: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

/**
 * Connects to the server that the jest global setup started, or to `target` (a server a test or script started
 * itself, such as one with the Web UI).
 */
export async function connectTestTemporal(target?: { address: string; namespace?: string }): Promise<TestTemporal> {
  const address = target?.address ?? process.env.TEMPORAL_ADDRESS;
  if (!address)
    throw new Error('TEMPORAL_ADDRESS is unset: run the tests through jest so its global setup starts a server');
  const namespace = target?.namespace ?? process.env.TEMPORAL_NAMESPACE ?? 'default';
  quietRuntime();
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    namespace,
    client: new Client({ connection, namespace }),
    nativeConnection,
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/** A task queue no other test uses, so tests running side by side never take each other's tasks. */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/**
 * Creates a worker on the test server, runs `body` while it polls, and shuts it down afterwards, whatever `body`
 * does.
 */
export async function withWorker<T>(
  temporal: TestTemporal,
  options: Omit<WorkerOptions, 'connection' | 'namespace'>,
  body: (worker: Worker) => Promise<T>,
): Promise<T> {
  const worker = await Worker.create({
    ...options,
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
  });
  return worker.runUntil(() => body(worker));
}
