/**
 * The health bench's test bed: a fresh dev server; a worker with the health manager, as `amphora worker` runs it with
 * AMPHORA_HEARTBEAT_KEY set (its own handle on a SQLite heartbeat store); a health listener on 127.0.0.1 with another
 * handle on the same file, as a separate listener process would hold; and simulated agents for every amphora the noop
 * cloud boots. Only the amphorae are simulated: the heartbeats, the store, the manager and the failovers are the
 * product's.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../config';
import { healthManagerWorkflowId, healthStatusQuery, type HealthManagerStatus } from '../contracts';
import { ensureHealthManager } from '../controller/health/ensure';
import { startHealthListener, type HealthListener } from '../controller/health/listener';
import { openHeartbeatStore } from '../controller/health/store';
import { LoadBalancerController } from '../controller/load-balancers';
import { createNoopDrivers, type NoopDrivers } from '../drivers';
import { NoopComputeDriver } from '../drivers/compute';
import type { Logger } from '../logger';
import { startWorker } from '../worker';
import { BENCH_NETWORKS } from './context';
import { HEALTH_SETTINGS, HEARTBEAT_INTERVAL_MS } from './health-settings';
import { bootedAmphorae, HeartbeatSimulator } from './health-simulator';
import { untrackBenchProcess } from './machine';
import { BENCH_WORKER_OPTIONS } from './tuning';

/** Starts a fresh dev server (the bench's own, with the dynamic config users run) and says its pid. */
export type ServerStarter = () => Promise<{ server: TestWorkflowEnvironment; serverPid?: number }>;

export interface HealthBed {
  client: Client;
  taskQueue: string;
  controller: LoadBalancerController;
  simulator: HeartbeatSimulator;
  listener: HealthListener;
  /** How long instances built from now on take to boot (the seeding creates boot at once). */
  setBootMs(ms: number): void;
  /** Hands the running manager a threshold (undefined: no breaker); it applies from the manager's next look. */
  setThreshold(threshold: number | undefined): Promise<void>;
  status(): Promise<HealthManagerStatus>;
  close(): Promise<void>;
}

/**
 * The noop drivers, with a compute side whose boot time can change: the load balancers a scenario starts from are
 * built at once, the replacements it measures boot for as long as it says.
 */
function withBootSwitch(drivers: NoopDrivers): { drivers: NoopDrivers; setBootMs: (ms: number) => void } {
  let builder = drivers.compute;
  const compute = new Proxy(drivers.compute, {
    get: (target, property, receiver) =>
      property === 'build' ? builder.build.bind(builder) : (Reflect.get(target, property, receiver) as unknown),
  });
  return {
    drivers: { ...drivers, compute },
    setBootMs: (ms) => {
      builder = new NoopComputeDriver(drivers.cloud, drivers.faults, { buildDelayMs: ms });
    },
  };
}

/** Starts the bed on a fresh server, the manager without a breaker until {@link HealthBed.setThreshold}. */
export async function startHealthBed(startServer: ServerStarter, logger: Logger): Promise<HealthBed> {
  const { server, serverPid } = await startServer();
  const dir = mkdtempSync(join(tmpdir(), 'amphora-bench-health-'));
  const key = randomBytes(32).toString('hex');
  const storeFile = join(dir, 'health.sqlite');
  const store = openHeartbeatStore(storeFile);
  const listener = await startHealthListener({
    host: '127.0.0.1',
    port: 0,
    key,
    store,
    isKnown: (amphoraId) => store.isWatched(amphoraId),
  });
  const taskQueue = 'bench-health';
  const config = loadConfig({
    ...process.env,
    TEMPORAL_ADDRESS: server.address,
    AMPHORA_TASK_QUEUE: taskQueue,
    AMPHORA_HEARTBEAT_KEY: key,
    AMPHORA_HEALTH_STORE: storeFile,
    AMPHORA_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_INTERVAL_MS),
    AMPHORA_HEARTBEAT_TIMEOUT_MS: String(HEALTH_SETTINGS.heartbeatTimeoutMs),
    AMPHORA_HEALTH_CHECK_INTERVAL_MS: String(HEALTH_SETTINGS.checkIntervalMs),
    AMPHORA_FAILOVER_THRESHOLD: undefined,
  });
  const noop = createNoopDrivers({ buildDelayMs: 0, networks: BENCH_NETWORKS });
  const { drivers, setBootMs } = withBootSwitch(noop);
  const worker = await startWorker(config, logger, { drivers, worker: BENCH_WORKER_OPTIONS });
  const simulator = new HeartbeatSimulator({
    port: listener.address().port,
    key,
    intervalMs: HEARTBEAT_INTERVAL_MS,
    booted: () => bootedAmphorae(noop.cloud),
  });
  simulator.start();
  const client = server.client;
  return {
    client,
    taskQueue,
    controller: new LoadBalancerController(client, taskQueue),
    simulator,
    listener,
    setBootMs,
    setThreshold: (threshold) =>
      ensureHealthManager(client, taskQueue, { ...HEALTH_SETTINGS, failoverThreshold: threshold }),
    status: () => client.workflow.getHandle(healthManagerWorkflowId(taskQueue)).query(healthStatusQuery),
    async close() {
      simulator.stop();
      await worker.stop();
      await listener.close();
      store.close();
      await server.teardown();
      untrackBenchProcess(serverPid);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
