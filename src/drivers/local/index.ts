/** The local data plane's drivers: compute, network and amphora drivers over one fabric on this machine. */
import { LocalAmphoraDriver } from '../amphora/local/driver';
import { loadOrCreatePki } from '../amphora/local/pki';
import {
  DEFAULT_NETWORKS,
  FaultInjector,
  MemoryNoopStore,
  NoopCloud,
  SqliteNoopStore,
  type FaultPlan,
  type NetworkSeed,
} from '../noop';
import { AmphoraHost } from './amphora-host';
import { LocalComputeDriver } from './compute';
import { LocalFabric, type FabricNetwork } from './fabric/fabric';
import { FaultyAmphoraDriver } from './faulty-amphora';
import { FabricNames } from './fabric/names';
import { gatewayDial, type Dial } from './gateway/client';
import { LocalNetworkDriver } from './network';
import { localScripts } from './scripts';

export { LocalFabric, type FabricInventory } from './fabric/fabric';
export { FabricNames, DEFAULT_LOCAL_ROOT, isFabricId } from './fabric/names';
export { cleanupStaleFabrics } from './fabric/stale';
export { AmphoraHost } from './amphora-host';
export { LocalComputeDriver } from './compute';
export { LocalNetworkDriver } from './network';
export { FaultyAmphoraDriver } from './faulty-amphora';
export { localScripts, type LocalScripts } from './scripts';

/** How long one call to an amphora's agent may take (a keepalived stop, the slowest, takes about 2 s). */
const AGENT_CALL_TIMEOUT_MS = 10_000;

/** The management network the noop cloud seeds: where amphorae boot and agents listen. */
export const LOCAL_MANAGEMENT_NETWORK_ID = 'lb-mgmt-net';

export interface LocalDriverOptions {
  /** Where the cloud's records live: `memory` (default) for one process, or a SQLite file several processes share. */
  state?: 'memory' | { sqliteFile: string };
  /** Simulated latency of every records call (the kernel's work comes on top). */
  apiLatencyMs?: number;
  /** The initial fault plan (the fault matrix runs against these drivers too). */
  faults?: FaultPlan;
  /** The clock, in milliseconds. */
  now?: () => number;
  /** Networks and subnets to seed (each becomes a bridge); the noop cloud's defaults when absent. */
  networks?: readonly NetworkSeed[];
  /** The fabric's id (lowercase letters and digits): its namespaces are `ampdp-<id>...`. */
  fabricId: string;
  /** Where fabrics keep their state; `/run/ampdp` by default (short: haproxy socket paths live below it). */
  root?: string;
  /** Where the bundled agent, gateway and member scripts are (tests); the compiled ones beside this file otherwise. */
  scriptsDir?: string;
  /** Heartbeats from the agents to a health listener in the fabric; none when absent. */
  heartbeats?: LocalHeartbeats;
}

/**
 * Heartbeats in the local data plane: every agent sends them every `intervalMs` to the fabric's health listener,
 * which records them in `storeFile` (where the worker's health manager reads them).
 */
export interface LocalHeartbeats {
  key: string;
  intervalMs: number;
  storeFile: string;
  /** The listener's UDP port on the fabric's management address (Octavia's 5555). */
  port: number;
}

/** The local drivers and the handles tests and the demo use to look inside. */
export interface LocalDrivers {
  compute: LocalComputeDriver;
  network: LocalNetworkDriver;
  /** The local amphora driver under the fault plan. */
  amphora: FaultyAmphoraDriver;
  fabric: LocalFabric;
  host: AmphoraHost;
  /** Opens TCP connections inside the fabric, through its gateway. */
  dial: Dial;
  faults: FaultInjector;
  cloud: NoopCloud;
  /** Where the member and client programs are. */
  scripts: ReturnType<typeof localScripts>;
  /** Releases the state store; the fabric stays (other processes may share it): `fabric.down()` removes it. */
  close(): void;
}

/**
 * Makes (or joins) the fabric and creates the local drivers over it: the noop cloud's records are the truth about
 * instances, ports and addresses, and the fabric makes the kernel match them.
 *
 * @throws Error when namespaces cannot be made here (not root, no `ip netns`) or a script is missing.
 */
export async function createLocalDrivers(options: LocalDriverOptions): Promise<LocalDrivers> {
  const scripts = localScripts(options.scriptsDir);
  const state = options.state ?? 'memory';
  const store = state === 'memory' ? new MemoryNoopStore() : new SqliteNoopStore(state.sqliteFile);
  const cloud = new NoopCloud(store, options.now);
  cloud.seedNetworks(options.networks ?? DEFAULT_NETWORKS);
  const faults = new FaultInjector(options.faults);
  const names = new FabricNames(options.fabricId, options.root);
  const { heartbeats } = options;
  const fabric = new LocalFabric({
    names,
    networks: fabricNetworks(cloud),
    managementNetworkId: LOCAL_MANAGEMENT_NETWORK_ID,
    gatewayScript: scripts.gateway,
    ...(heartbeats
      ? {
          healthListener: {
            script: scripts.health,
            port: heartbeats.port,
            env: { AMPHORA_HEARTBEAT_KEY: heartbeats.key, AMPHORA_HEALTH_STORE: heartbeats.storeFile },
          },
        }
      : {}),
  });
  try {
    await fabric.up();
  } catch (err) {
    store.close();
    throw err;
  }
  const pki = await loadOrCreatePki(names.pkiDir);
  const host = new AmphoraHost(fabric, cloud, scripts.agent);
  const dial = gatewayDial(names.gatewaySocket);
  const latency = { apiLatencyMs: options.apiLatencyMs };
  const network = new LocalNetworkDriver(cloud, faults, host, latency);
  const agents = new LocalAmphoraDriver({
    dial,
    pki,
    network,
    // Well inside an activity's default 60 s: an agent that does not answer is reported as such, naming the amphora,
    // not as the activity's timeout.
    timeoutMs: AGENT_CALL_TIMEOUT_MS,
    pathsOf: (amphora) => {
      const stateDir = host.stateDirOf(amphora.computeId ?? amphora.id);
      return { base: `${stateDir}/lb`, certs: `${stateDir}/certs` };
    },
  });
  return {
    compute: new LocalComputeDriver(cloud, faults, host, pki, {
      ...latency,
      heartbeat: agentHeartbeat(fabric, heartbeats),
    }),
    network,
    amphora: new FaultyAmphoraDriver(agents, faults),
    fabric,
    host,
    dial,
    faults,
    cloud,
    scripts,
    close: () => {
      faults.releaseHangs();
      store.close();
    },
  };
}

/** What each agent's configuration says of heartbeats: the key, the interval, the fabric's listener. */
function agentHeartbeat(fabric: LocalFabric, heartbeats: LocalHeartbeats | undefined) {
  const address = fabric.managementAddress();
  if (!heartbeats || !address) return undefined;
  return { key: heartbeats.key, intervalMs: heartbeats.intervalMs, destinations: [`${address}:${heartbeats.port}`] };
}

/** The cloud's networks with their subnets, as the fabric makes bridges of them. */
function fabricNetworks(cloud: NoopCloud): FabricNetwork[] {
  return cloud.transact((tx) =>
    tx.list('networks').map((network) => ({
      id: network.id,
      subnets: network.subnetIds.flatMap((subnetId) => {
        const subnet = tx.get('subnets', subnetId);
        return subnet ? [{ cidr: subnet.cidr, gatewayIp: subnet.gatewayIp ?? undefined }] : [];
      }),
    })),
  );
}
