/**
 * The fabric: the pretend cloud's networks as Linux bridges inside one network namespace of their own, with a
 * gateway process through which the controller (and tests) reach addresses on them. Nothing of it touches the host's
 * interfaces or routes: the fabric's namespace has no default route and no link to the host's namespace.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ip, ipBatch, ipJson } from '../system/exec';
import {
  createNamespace,
  deleteNamespace,
  namespaceExists,
  namespacesWithPrefix,
  namespacePids,
} from '../system/netns';
import { isAlive, processesMentioning, stopProcesses } from '../system/processes';
import { spawnInNamespace } from '../system/spawn';
import type { FabricNames } from './names';

/** A network of the pretend cloud, as the fabric needs it. */
export interface FabricNetwork {
  id: string;
  subnets: { cidr: string; gatewayIp?: string }[];
}

export interface FabricOptions {
  names: FabricNames;
  networks: readonly FabricNetwork[];
  /** The network the controller reaches amphorae on: the fabric takes its subnet's gateway address on its bridge. */
  managementNetworkId: string;
  /** The gateway's script (`node <script> --socket ... --allow ...`). */
  gatewayScript: string;
  /**
   * The health listener, run in the fabric on the management network's gateway address (where amphorae send their
   * heartbeats), with these variables added to its environment (its key, store and port: see `health-config.ts`).
   */
  healthListener?: { script: string; port: number; env: Record<string, string> };
}

/** What a fabric has made on the host besides itself: the leak check's view. */
export interface FabricInventory {
  /** Namespaces of amphorae and guests. */
  namespaces: string[];
  /** Ports of the fabric's bridges (one per wired port). */
  bridgePorts: string[];
  /** Processes of amphorae and guests (the fabric's own gateway is not counted). */
  processes: number[];
}

const GATEWAY_START_TIMEOUT_MS = 10_000;

export class LocalFabric {
  readonly names: FabricNames;

  constructor(private readonly options: FabricOptions) {
    this.names = options.names;
  }

  /** Whether the fabric exists and a process that made or joined it is alive. */
  isLive(): boolean {
    return liveUsers(this.names.dir).length > 0 && namespaceExists(this.names.fabricNamespace);
  }

  /**
   * Makes the fabric, or joins it when a live process made or joined it already; a fabric all of whose users died (a
   * killed run) is removed first and made afresh. Idempotent.
   */
  async up(): Promise<void> {
    this.names.checkPathLengths();
    if (!this.isLive()) {
      await this.down();
      mkdirSync(this.names.dir, { recursive: true });
      writeFileSync(`${this.names.dir}/owner`, String(process.pid));
      await createNamespace(this.names.fabricNamespace);
    }
    // Every process that uses the fabric says so: it is stale only once none of them lives (a worker may use the
    // fabric an API server made, long after that server stopped).
    mkdirSync(`${this.names.dir}/users`, { recursive: true });
    writeFileSync(`${this.names.dir}/users/${process.pid}`, '');
    await this.ensureBridges();
    await this.ensureGateway();
    await this.ensureHealthListener();
  }

  /** The fabric's own address on the management network: amphorae reach the controller's listeners there. */
  managementAddress(): string | undefined {
    const network = this.options.networks.find((candidate) => candidate.id === this.options.managementNetworkId);
    return network?.subnets.find((subnet) => subnet.gatewayIp)?.gatewayIp;
  }

  /** Removes everything the fabric made: amphorae and guests with their processes, the bridges, the state. */
  async down(): Promise<void> {
    const { names } = this;
    for (const namespace of namespacesWithPrefix(names.guestPrefix)) await deleteNamespace(namespace);
    await stopProcesses([...(await namespacePids(names.fabricNamespace)), ...processesMentioning(`${names.dir}/`)]);
    await deleteNamespace(names.fabricNamespace);
    rmSync(names.dir, { recursive: true, force: true });
  }

  /** What the fabric holds now besides its bridges and gateway: after a clean delete, nothing. */
  async inventory(): Promise<FabricInventory> {
    const { names } = this;
    const namespaces = namespacesWithPrefix(names.guestPrefix).sort();
    const links = await ipJson<{ ifname: string; master?: string }>(['link', 'show'], names.fabricNamespace).catch(
      () => [],
    );
    const bridgePorts = links.filter((link) => link.master !== undefined).map((link) => link.ifname);
    const gateway = new Set(await namespacePids(names.fabricNamespace));
    const processes = new Set<number>();
    for (const namespace of namespaces) for (const pid of await namespacePids(namespace)) processes.add(pid);
    for (const pid of processesMentioning(`${names.dir}/`)) if (!gateway.has(pid)) processes.add(pid);
    return { namespaces, bridgePorts: bridgePorts.sort(), processes: [...processes].sort((a, b) => a - b) };
  }

  /** One bridge per network, up, with no address but the management network's gateway address. */
  private async ensureBridges(): Promise<void> {
    const { names } = this;
    const existing = new Set(
      (await ipJson<{ ifname: string }>(['link', 'show', 'type', 'bridge'], names.fabricNamespace)).map(
        (link) => link.ifname,
      ),
    );
    const commands: string[] = [];
    for (const network of this.options.networks) {
      const bridge = names.bridge(network.id);
      if (existing.has(bridge)) continue;
      // An address of its own: a bridge without one takes its lowest port's, and changes it when that port goes (a
      // dead amphora's), so every neighbour's ARP entry for the management gateway would point nowhere until probed
      // again; their heartbeats were lost for seconds and the health manager saw healthy amphorae fall silent.
      commands.push(
        `link add ${bridge} address ${bridgeMac(names.fabricNamespace, bridge)} type bridge stp_state 0 forward_delay 0`,
        `link set ${bridge} up`,
      );
      if (network.id === this.options.managementNetworkId) {
        for (const subnet of network.subnets) {
          if (subnet.gatewayIp) commands.push(`addr add ${subnet.gatewayIp}/${prefixOf(subnet.cidr)} dev ${bridge}`);
        }
      }
    }
    await ipBatch(commands, names.fabricNamespace);
  }

  /** Starts the gateway unless it runs, and waits until its socket accepts. */
  private async ensureGateway(): Promise<void> {
    const { names } = this;
    const pidFile = `${names.dir}/gateway.pid`;
    const running = existsSync(pidFile) && isAlive(Number(readFileSync(pidFile, 'utf8')));
    if (running && existsSync(names.gatewaySocket)) return;
    rmSync(names.gatewaySocket, { force: true });
    const allow = this.options.networks.flatMap((network) => network.subnets.map((subnet) => subnet.cidr));
    const pid = spawnInNamespace(
      names.fabricNamespace,
      [process.execPath, this.options.gatewayScript, '--socket', names.gatewaySocket, '--allow', allow.join(',')],
      `${names.dir}/gateway.log`,
    );
    writeFileSync(pidFile, String(pid));
    const what = `The fabric gateway of ${names.fabricNamespace}`;
    await waitUntilReady(what, pid, names.gatewaySocket, `${names.dir}/gateway.log`);
  }

  /** Starts the health listener unless it runs or heartbeats are off, and waits until it is bound. */
  private async ensureHealthListener(): Promise<void> {
    const listener = this.options.healthListener;
    const address = this.managementAddress();
    if (!listener || !address) return;
    const { names } = this;
    const readyFile = `${names.dir}/health.pid`;
    if (existsSync(readyFile) && isAlive(Number(readFileSync(readyFile, 'utf8')))) return;
    rmSync(readyFile, { force: true });
    const logFile = `${names.dir}/health.log`;
    const pid = spawnInNamespace(
      names.fabricNamespace,
      [process.execPath, listener.script, '--ready-file', readyFile],
      logFile,
      { ...process.env, ...listener.env, AMPHORA_HEALTH_LISTEN: `${address}:${listener.port}` },
    );
    await waitUntilReady(`The health listener of ${names.fabricNamespace}`, pid, readyFile, logFile);
  }
}

/** Waits until `readyFile` exists, or fails with the last line of the process's log. */
async function waitUntilReady(what: string, pid: number, readyFile: string, logFile: string): Promise<void> {
  const deadline = Date.now() + GATEWAY_START_TIMEOUT_MS;
  while (!existsSync(readyFile)) {
    if (!isAlive(pid) || Date.now() > deadline) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
      throw new Error(`${what} did not start: ${log.trim().split('\n').pop() ?? 'no output'}`);
    }
    await sleep(5);
  }
}

/** The live processes that made (`owner`) or joined (`users/<pid>`) the fabric whose directory is `dir`. */
export function liveUsers(dir: string): number[] {
  const pids: number[] = [];
  try {
    pids.push(Number(readFileSync(`${dir}/owner`, 'utf8').trim()));
  } catch {
    // no owner file: a fabric half made or half removed
  }
  try {
    pids.push(...readdirSync(`${dir}/users`).map(Number));
  } catch {
    // nobody joined
  }
  return [...new Set(pids)].filter((pid) => Number.isInteger(pid) && pid > 0 && isAlive(pid));
}

function prefixOf(cidr: string): string {
  return cidr.split('/')[1] ?? '32';
}

/** Whether `ip` answers about namespaces here (root, a kernel with network namespaces). */
export async function canMakeNamespaces(): Promise<boolean> {
  try {
    await ip(['netns', 'list']);
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}

/** A fixed MAC address for a bridge: locally administered, unicast, from its namespace and name (the same on re-up). */
function bridgeMac(namespace: string, bridge: string): string {
  const bytes = createHash('sha256').update(`${namespace}/${bridge}`).digest().subarray(0, 5);
  return ['02', ...[...bytes].map((byte) => byte.toString(16).padStart(2, '0'))].join(':');
}
