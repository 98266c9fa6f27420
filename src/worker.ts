import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities';
import { dataConverterFor } from './codec';
import type { AppConfig } from './config';
import { createDrivers, type Drivers } from './drivers';
import type { Logger } from './logger';
import { answeredWithin, connectToTemporal, CONNECT_TIMEOUT_MS } from './temporal-connection';
import { checkTemporalReady } from './temporal-readiness';
import type { Tracing } from './tracing';
import { tracedDrivers } from './drivers/traced';
import { boundHeapGrowth } from './worker-heap';
import { sharedWorkflowModules, WORKFLOW_INTERCEPTOR_MODULES } from './workflow-interceptors';
import { ensureHealthManager } from './controller/health/ensure';
import { openHeartbeatStore } from './controller/health/store';

export interface StartWorkerOptions {
  /** Drivers to use instead of those the configuration selects (the demo and tests pass noop drivers they inspect). */
  drivers?: Drivers;
  /** Extra worker options, for tuning. */
  worker?: Partial<WorkerOptions>;
  /**
   * Tracing for this process ({@link startTracing}): workflows, activities and every driver call become spans. The
   * workflow spans need the worker to bundle its workflows (no prebuilt `workflowBundle`).
   */
  tracing?: Tracing;
}

/** A running worker and what it holds. */
export interface RunningWorker {
  worker: Worker;
  drivers: Drivers;
  /**
   * The worker's connection: a client built on it (`new Client({ connection })`) can start workflows eagerly, their
   * first task handed to this worker in the start call's answer, without a trip through matching.
   */
  connection: NativeConnection;
  /** Resolves when the worker has stopped (after `stop()` or a shutdown signal). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a worker that runs the load-balancer workflows and their activities on the configured task queue. It stops
 * on SIGINT or SIGTERM, finishing the activities it holds first; Temporal resumes everything else elsewhere.
 */
export async function startWorker(
  config: AppConfig,
  logger: Logger,
  options: StartWorkerOptions = {},
): Promise<RunningWorker> {
  const untraced = options.drivers ?? (await createDrivers(config.drivers));
  const drivers = options.tracing ? tracedDrivers(untraced) : untraced;
  const { address } = config.temporal.connectionOptions;
  const connection = await connectToTemporal(config, (options) =>
    answeredWithin(NativeConnection.connect(options), CONNECT_TIMEOUT_MS),
  ).catch((err) => {
    drivers.close();
    throw err;
  });
  await checkTemporalReady(connection, address ?? 'localhost:7233', config.temporal.namespace).catch(
    async (err: unknown) => {
      drivers.close();
      await connection.close();
      throw err;
    },
  );
  // The orphan sweeper's activities ask Temporal which load balancers are live; connected on first use.
  const clientConnection = Connection.lazy(config.temporal.connectionOptions);
  const dataConverter = dataConverterFor(config.codecKeys);
  if (!dataConverter)
    logger.warn({}, 'no AMPHORA_CODEC_KEYS: workflow payloads (user data included) are stored in clear');
  const temporalClient = new Client({
    connection: clientConnection,
    namespace: config.temporal.namespace,
    dataConverter,
    plugins: options.tracing ? [options.tracing.plugin] : [],
  });
  // With a heartbeat key, this worker runs the health manager's activities over the shared heartbeat store.
  const heartbeats = config.health ? openHeartbeatStore(config.health.storeFile) : undefined;
  boundHeapGrowth(config.worker.heapGrowthPercent);
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    dataConverter,
    // A prebuilt bundle (tests) already holds the workflows and their interceptors.
    ...(options.worker?.workflowBundle
      ? {}
      : bundling(options.worker?.workflowsPath ?? require.resolve('./workflows'))),
    activities: createActivities(drivers, { temporalClient, heartbeats }),
    maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
    // Driver steps are local activities (workflows/operation): each holds its workflow task open while it waits for
    // a slot, so they get as many as activity tasks do, not the SDK's 100 (a storm of 300 failovers through their
    // entities then timed workflow tasks out and ran 2.5 boot times instead of 1.6).
    maxConcurrentLocalActivityExecutions: config.worker.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: config.worker.maxConcurrentWorkflowTasks,
    shutdownGraceTime: config.worker.shutdownGraceMs,
    plugins: options.tracing ? [options.tracing.plugin] : [],
    ...deploymentOptions(config.worker.deployment),
    ...options.worker,
  });
  logger.info(
    {
      address,
      namespace: config.temporal.namespace,
      taskQueue: config.taskQueue,
      heapGrowthPercent: config.worker.heapGrowthPercent,
      computeDriver: config.drivers.compute,
      networkDriver: config.drivers.network,
      ...(config.worker.metricsListen ? { metrics: `http://${config.worker.metricsListen}/metrics` } : {}),
      ...(config.worker.deployment ? { deployment: config.worker.deployment } : {}),
    },
    'worker started',
  );
  const done = worker.run().finally(async () => {
    drivers.close();
    heartbeats?.close();
    await clientConnection.close();
    await connection.close();
    logger.info({ taskQueue: config.taskQueue }, 'worker stopped');
  });
  if (config.health) {
    await ensureHealthManager(temporalClient, config.taskQueue, config.health.manager).catch(async (err) => {
      worker.shutdown();
      await done.catch(() => undefined);
      throw err;
    });
    logger.info({ store: config.health.storeFile, ...config.health.manager }, 'health manager running');
  }
  return {
    worker,
    drivers,
    connection,
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

/**
 * Worker Versioning: a versioned worker takes the workflows routed to its build. Operations are PINNED (each finishes
 * on the build that started it, so a change to their code needs no `patched()`); the long-lived workflows (the
 * entity per load balancer, the health manager, the sweeper) declare AUTO_UPGRADE themselves and move to the current
 * build, so their changes still need `patched()`.
 */
/** How the worker bundles `workflowsPath`: with the interceptor modules, and the modules its workflows share. */
function bundling(workflowsPath: string): Partial<WorkerOptions> {
  return {
    workflowsPath,
    interceptors: { workflowModules: WORKFLOW_INTERCEPTOR_MODULES },
    bundlerOptions: { preloadModules: sharedWorkflowModules(workflowsPath) },
  };
}

function deploymentOptions(deployment: AppConfig['worker']['deployment']): Partial<WorkerOptions> {
  if (!deployment) return {};
  return {
    workerDeploymentOptions: {
      version: { deploymentName: deployment.name, buildId: deployment.buildId },
      useWorkerVersioning: true,
      defaultVersioningBehavior: 'PINNED',
    },
  };
}
