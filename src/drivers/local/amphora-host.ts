/**
 * Amphorae as namespaces: what the local compute and network drivers do in the kernel once the noop cloud has
 * recorded a change. The cloud's records stay the truth (ids, names, addresses, which port is on which instance);
 * this makes each amphora's namespace, interfaces and agent match them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { vrrpPortName, type ConfigDriveContent } from '../../models';
import type { NoopCloud } from '../noop/cloud';
import type { PortRecord } from '../noop/records';
import type { LocalFabric } from './fabric/fabric';
import { syncPorts, type PortWiring } from './fabric/ports';
import { createNamespace, deleteNamespace, namespaceExists } from './system/netns';
import { isAlive } from './system/processes';
import { spawnInNamespace } from './system/spawn';

/** The port the agent listens on (Octavia's `bind_port`). */
export const AGENT_PORT = 9443;

/**
 * The amphora image's kernel settings: haproxy binds the VIP before keepalived brings it (non-local bind), and an
 * amphora answers ARP only for addresses on the interface asked (the allowed-address-pairs semantics: a VIP answers
 * only where it is plugged).
 */
const AMPHORA_SYSCTLS = {
  'net.ipv4.ip_nonlocal_bind': '1',
  'net.ipv4.conf.all.arp_ignore': '1',
  'net.ipv4.conf.default.arp_ignore': '1',
  'net.ipv4.conf.all.arp_announce': '2',
  'net.ipv4.conf.default.arp_announce': '2',
};

/** Where an amphora's agent looks for its own configuration, inside its config drive. */
export const AGENT_CONFIG_PATH = '/etc/octavia/amphora-agent.json';
export const AGENT_SERVER_CERT_PATH = '/etc/octavia/certs/server.pem';
export const AGENT_CLIENT_CA_PATH = '/etc/octavia/certs/client_ca.pem';

/** How an amphora is doing, as its namespace and agent show it. */
export type AmphoraLiveness =
  { state: 'absent' } | { state: 'booting' } | { state: 'running'; pid: number } | { state: 'dead'; reason: string };

/** What booting an amphora needs. */
export interface AmphoraBoot {
  computeId: string;
  amphoraId: string;
  /** Config drive files by their path on the amphora: text, or bytes as base64. */
  files: Record<string, ConfigDriveContent>;
  /** User data, where cloud-init would find it on a config drive (`openstack/latest/user_data`). */
  userData?: string;
}

export class AmphoraHost {
  /** Per amphora, the sync in progress: two syncs of one namespace at once would both add a missing port. */
  private readonly syncs = new Map<string, Promise<void>>();

  constructor(
    private readonly fabric: LocalFabric,
    private readonly cloud: NoopCloud,
    private readonly agentScript: string,
  ) {}

  namespaceOf(computeId: string): string {
    return this.fabric.names.amphoraNamespace(computeId);
  }

  dirOf(computeId: string): string {
    return this.fabric.names.amphoraDir(computeId);
  }

  /** The directory the agent works in: haproxy's and keepalived's files live below it (the amphora's own). */
  stateDirOf(computeId: string): string {
    return this.dirOf(computeId);
  }

  /**
   * "Boots" an amphora: its namespace with the image's sysctls, its ports (the management one addressed, as DHCP
   * would), its config drive written out, and its agent started. Idempotent: a running agent is left alone.
   */
  async boot(boot: AmphoraBoot): Promise<void> {
    const liveness = this.liveness(boot.computeId);
    if (liveness.state === 'running' || liveness.state === 'booting') return;
    const namespace = this.namespaceOf(boot.computeId);
    await createNamespace(namespace, AMPHORA_SYSCTLS);
    await this.syncPorts(boot.computeId);
    const configDrive = join(this.dirOf(boot.computeId), 'config-drive');
    for (const [path, content] of Object.entries(boot.files)) writeConfigDriveFile(configDrive, path, content);
    if (boot.userData !== undefined) writeConfigDriveFile(configDrive, '/openstack/latest/user_data', boot.userData);
    const stateDir = this.stateDirOf(boot.computeId);
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, 'compute-id'), boot.computeId);
    const pid = spawnInNamespace(
      namespace,
      [process.execPath, this.agentScript, '--config-drive', configDrive],
      join(stateDir, 'agent.log'),
    );
    writeFileSync(join(this.dirOf(boot.computeId), 'agent.pid'), String(pid));
  }

  /**
   * Waits until the amphora's agent listens, it died, or `timeoutMs` passed; a boot takes a Node start (about
   * 100 ms), so a build that waits this long saves its caller a poll interval.
   */
  async waitForAgent(computeId: string, timeoutMs: number): Promise<AmphoraLiveness> {
    const deadline = Date.now() + timeoutMs;
    let liveness = this.liveness(computeId);
    while (liveness.state === 'booting' && Date.now() < deadline) {
      await sleep(5);
      liveness = this.liveness(computeId);
    }
    return liveness;
  }

  /** Whether the amphora's namespace exists and its agent runs and listens. */
  liveness(computeId: string): AmphoraLiveness {
    const dir = this.dirOf(computeId);
    const pidFile = join(dir, 'agent.pid');
    if (!existsSync(pidFile)) return { state: 'absent' };
    if (!namespaceExists(this.namespaceOf(computeId))) {
      return { state: 'dead', reason: `its namespace ${this.namespaceOf(computeId)} is gone` };
    }
    const pid = Number(readFileSync(pidFile, 'utf8'));
    if (!isAlive(pid))
      return { state: 'dead', reason: `its agent (pid ${pid}) exited: ${this.lastLogLine(computeId)}` };
    return existsSync(join(this.stateDirOf(computeId), 'agent.ready'))
      ? { state: 'running', pid }
      : { state: 'booting' };
  }

  /**
   * Runs a change of the cloud's records (a plug, an unplug, an attach), then wires or unwires the ports of every
   * amphora on this host whose ports it changed, even when the change failed half-way.
   */
  async afterChange<T>(change: () => Promise<T>): Promise<T> {
    const before = this.portSets();
    try {
      return await change();
    } finally {
      const after = this.portSets();
      for (const computeId of new Set([...before.keys(), ...after.keys()])) {
        if (before.get(computeId) !== after.get(computeId)) await this.syncPorts(computeId);
      }
    }
  }

  /** Makes the amphora's interfaces match the ports the cloud says it holds. A gone namespace is left gone. */
  async syncPorts(computeId: string): Promise<void> {
    const previous = this.syncs.get(computeId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.syncPortsNow(computeId));
    this.syncs.set(computeId, next);
    try {
      await next;
    } finally {
      if (this.syncs.get(computeId) === next) this.syncs.delete(computeId);
    }
  }

  /** The amphorae this host has made (booted, not yet destroyed), by compute id. */
  hostedAmphorae(): string[] {
    const root = this.fabric.names.amphoraeDir;
    const entries = existsSync(root) ? readdirSync(root) : [];
    return entries.flatMap((entry) => {
      try {
        return [readFileSync(join(root, entry, 'compute-id'), 'utf8').trim()];
      } catch {
        return [];
      }
    });
  }

  /** Each hosted amphora's port ids as the cloud records them, as one comparable string. */
  private portSets(): Map<string, string> {
    const hosted = this.hostedAmphorae();
    return this.cloud.transact((tx) => {
      const sets = new Map<string, string>();
      for (const computeId of hosted) {
        sets.set(
          computeId,
          this.cloud
            .portsOf(tx, computeId)
            .map((port) => port.id)
            .sort()
            .join(','),
        );
      }
      return sets;
    });
  }

  private async syncPortsNow(computeId: string): Promise<void> {
    const namespace = this.namespaceOf(computeId);
    if (!namespaceExists(namespace)) return;
    const wirings = this.cloud.transact((tx) => {
      const server = tx.get('servers', computeId);
      if (!server) return [];
      return this.cloud.portsOf(tx, computeId).map((port) =>
        wiringOf(port, server.managementNetworkId, (id) => {
          const subnet = tx.get('subnets', id);
          return subnet?.cidr;
        }),
      );
    });
    await syncPorts(this.fabric.names, namespace, wirings);
  }

  /** Stops everything in the amphora and removes its namespace (and with it its veths) and its files. Idempotent. */
  async destroy(computeId: string): Promise<void> {
    await deleteNamespace(this.namespaceOf(computeId));
    rmSync(this.dirOf(computeId), { recursive: true, force: true });
  }

  private lastLogLine(computeId: string): string {
    try {
      const lines = readFileSync(join(this.stateDirOf(computeId), 'agent.log'), 'utf8')
        .trim()
        .split('\n');
      return lines[lines.length - 1]?.slice(0, 300) || 'no output';
    } catch {
      return 'no output';
    }
  }
}

/**
 * How a port is wired: the management port is `eth0`, addressed and up at boot (DHCP's part on a cloud); the VIP
 * network's base port is `eth1`, the interface keepalived's configuration names; any other keeps its temporary
 * name until the agent plugs it. Only the management port is configured here: the others are the agent's to
 * configure when the amphora driver tells it (post-VIP-plug, post-network-plug), as in Octavia.
 */
function wiringOf(
  port: PortRecord,
  managementNetworkId: string | undefined,
  cidrOf: (subnetId: string) => string | undefined,
): PortWiring {
  const base = { portId: port.id, networkId: port.networkId, macAddress: port.macAddress ?? '' };
  if (port.networkId === managementNetworkId) {
    const addresses = port.fixedIps.flatMap((fixed) => {
      const cidr = cidrOf(fixed.subnetId);
      return cidr ? [`${fixed.ipAddress}/${cidr.split('/')[1]}`] : [];
    });
    return { ...base, ifname: 'eth0', addresses, up: true };
  }
  if (port.name.startsWith(vrrpPortName(''))) return { ...base, ifname: 'eth1' };
  return base;
}

/** Writes a config drive file below `root`, refusing a path that would climb out of it. */
function writeConfigDriveFile(root: string, path: string, content: ConfigDriveContent): void {
  const target = normalize(join(root, path));
  if (!target.startsWith(`${root}/`)) throw new Error(`config drive path ${path} leaves the config drive`);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, typeof content === 'string' ? content : Buffer.from(content.base64, 'base64'), {
    mode: 0o600,
  });
}
