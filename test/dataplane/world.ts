import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { healthManagerWorkflowId, type HealthSettings } from '../../src/contracts';
import { ensureHealthManager } from '../../src/controller/health/ensure';
import { openHeartbeatStore, type SqliteHeartbeatStore } from '../../src/controller/health/store';
import { startApiServer, type ApiServer } from '../../src/controller/api/server';
import { cleanupStaleFabrics, createLocalDrivers, type FabricInventory, type LocalDrivers } from '../../src/drivers';
import { guardDirectFabricDials } from '../../src/drivers/local/gateway';
import { removeGuest, startClient, type ClientGuest } from '../../src/drivers/local/guests';
import { createLogger } from '../../src/logger';
import { apiClient } from '../controller/api-client';
import { ensureDebianPackages } from '../harness/debian-packages';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../harness/temporal';
import { startTestWorker } from '../workflows/orchestrator';

/** The local data plane with a worker and the REST API in front of it, and a client on the VIP network. */
export interface LocalWorld {
  temporal: TestTemporal;
  drivers: LocalDrivers;
  taskQueue: string;
  server: ApiServer;
  /** The REST API, as an operator holding the token `operator`. */
  call: ReturnType<typeof apiClient>;
  /** A client namespace on the VIP network ("the internet"). */
  client: ClientGuest;
  /** The fabric as it was once the client ran: a leak check compares against it. */
  baseline: FabricInventory;
  /** The heartbeat store, when the world runs a health manager. */
  heartbeats?: SqliteHeartbeatStore;
  stop(): Promise<void>;
}

/** A world whose agents send heartbeats to a listener in the fabric, and whose worker runs the health manager. */
export interface WorldHealth extends HealthSettings {
  heartbeatIntervalMs: number;
}

/** A fabric id for this test process: `t<pid><tag>`, lowercase letters and digits. */
export function testFabricId(tag: string): string {
  return `t${process.pid}${tag}`.slice(0, 20);
}

/**
 * Starts a {@link LocalWorld}: installs haproxy and keepalived when missing, removes what killed runs left, makes a
 * fabric of its own, a worker on its own task queue with the local drivers, the API, and the client.
 */
export async function startLocalWorld(
  tag: string,
  env: Record<string, string> = {},
  health?: WorldHealth,
): Promise<LocalWorld> {
  await ensureDebianPackages(['haproxy', 'keepalived', { package: 'iputils-arping', command: 'arping' }]);
  await cleanupStaleFabrics();
  // Fabric addresses are documentation ranges the host routes to its real network: this process reaches them only
  // through a gateway, and any direct connect fails (and is counted) before a packet leaves.
  const guard = guardDirectFabricDials();
  const temporal = await connectTestTemporal();
  const healthDir = health ? mkdtempSync(join(tmpdir(), 'amphora-health-')) : undefined;
  const heartbeatOptions = healthDir &&
    health && {
      key: randomBytes(16).toString('hex'),
      intervalMs: health.heartbeatIntervalMs,
      storeFile: join(healthDir, 'health.sqlite'),
      port: 5555,
    };
  const drivers = await createLocalDrivers({
    fabricId: testFabricId(tag),
    scriptsDir: process.env.AMPHORA_LOCAL_SCRIPTS_DIR,
    ...(heartbeatOptions ? { heartbeats: heartbeatOptions } : {}),
  });
  const taskQueue = uniqueTaskQueue(`dataplane-${tag}`);
  const heartbeats = heartbeatOptions ? openHeartbeatStore(heartbeatOptions.storeFile) : undefined;
  const worker = await startTestWorker(temporal, drivers, { taskQueue, heartbeats });
  if (health) {
    const { heartbeatIntervalMs: _interval, ...settings } = health;
    await ensureHealthManager(temporal.client, taskQueue, settings);
  }
  const config = loadConfig({
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    AMPHORA_TASK_QUEUE: taskQueue,
    AMPHORA_API_LISTEN: '127.0.0.1:0',
    AMPHORA_API_TOKENS: 'operator',
    AMPHORA_FLAVOR_TOPOLOGIES: '{"ha-flavor": "ACTIVE_STANDBY"}',
    AMPHORA_BUILD_POLL_INTERVAL_MS: '100',
    AMPHORA_BUILD_POLL_ATTEMPTS: '300',
    ...env,
  });
  const server = await startApiServer(config, temporal.client, createLogger('silent'), {
    port: 0,
    network: drivers.network,
    stats: drivers.amphora,
    noopCloud: drivers.cloud,
    ...(heartbeats && health ? { heartbeats: { store: heartbeats, timeoutMs: health.heartbeatTimeoutMs } } : {}),
  });
  const client = await startClient(drivers, { name: 'client', networkId: 'vip-net' });
  const baseline = await drivers.fabric.inventory();
  return {
    temporal,
    drivers,
    taskQueue,
    server,
    call: apiClient(server, 'operator'),
    client,
    baseline,
    heartbeats,
    async stop() {
      if (health) {
        await temporal.client.workflow
          .getHandle(healthManagerWorkflowId(taskQueue))
          .terminate('the test world stops')
          .catch(() => undefined);
      }
      await server.close();
      drivers.faults.releaseHangs();
      await worker.stop();
      await removeGuest(drivers, client).catch(() => undefined);
      await drivers.fabric.down();
      drivers.close();
      heartbeats?.close();
      if (healthDir) rmSync(healthDir, { recursive: true, force: true });
      await temporal.close();
      guard.uninstall();
      if (guard.violations.length > 0) {
        throw new Error(`direct connections to fabric addresses: ${guard.violations.map((v) => v.message).join('; ')}`);
      }
    },
  };
}

/** Starts a {@link LocalWorld} before the file's tests and stops it after them. */
export function useLocalWorld(tag: string, env?: Record<string, string>, health?: WorldHealth): () => LocalWorld {
  let world: LocalWorld | undefined;
  beforeAll(async () => {
    world = await startLocalWorld(tag, env, health);
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  }, 60_000);
  return () => {
    if (!world) throw new Error('the local world is read before it started');
    return world;
  };
}
