/**
 * Plugging the VIP and member networks: configures their interfaces and keeps a small record
 * (`<stateDir>/plugged.json`) of which network each one is for, so that `GET /details` can say so and an unplug
 * can name the network instead of the MAC address.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { AgentInterface, PlugNetworkBody, PlugResult, PlugVipBody, UnplugNetworkBody } from './api';
import { AgentError } from './errors';
import {
  addressesOf,
  checkName,
  configure,
  deconfigure,
  defaultRoute,
  listInterfaces,
  nameByMac,
  prefixOf,
} from './interfaces';

/** What the agent was told it has plugged. */
interface PluggedRecord {
  /** The VIP's base interface; `owned` when the agent put the VIP on it (SINGLE), not keepalived. */
  vip?: { address: string; interface: string; network_id?: string; owned?: boolean };
  networks: { network_id?: string; mac_address?: string; interface?: string }[];
}

/** The VIP and member network plugs of one amphora's agent. */
export class Plugging {
  private readonly file: string;

  constructor(stateDir: string) {
    this.file = join(stateDir, 'plugged.json');
  }

  /**
   * Configures the VIP base port: the amphora's VRRP address on the VIP subnet, the link up, the VIP as a host
   * address when the agent owns it (SINGLE), the default route through the subnet's gateway. Idempotent.
   */
  async plugVip(vip: string, body: PlugVipBody): Promise<PlugResult> {
    if (isIP(vip) === 0) throw new AgentError(400, 'Invalid VIP', `${vip} is not an IP address`);
    const name = checkName(body.interface ?? 'eth1');
    const wanted = [`${body.vrrp_ip}/${prefixOf(body.subnet_cidr, body.vrrp_ip)}`];
    if (body.add_vip) wanted.push(`${vip}/${isIP(vip) === 6 ? 128 : 32}`);
    await configure(name, wanted, false);
    if (body.gateway) await defaultRoute(body.gateway, name);
    const record = await this.read();
    record.vip = {
      address: vip,
      interface: name,
      ...(body.network_id ? { network_id: body.network_id } : {}),
      ...(body.add_vip ? { owned: true } : {}),
    };
    await this.write(record);
    return { interface: name };
  }

  /** The VIP this agent put on its interface itself (SINGLE), to announce when haproxy starts serving it. */
  async ownedVip(): Promise<{ address: string; interface: string } | undefined> {
    const { vip } = await this.read();
    return vip?.owned ? vip : undefined;
  }

  /**
   * Names the port with the body's MAC address `ethN` and gives it its fixed IPs, up. Without a MAC address there
   * is no interface to configure: the network is only recorded. Idempotent: a plugged port keeps its name.
   */
  async plugNetwork(body: PlugNetworkBody): Promise<PlugResult> {
    const addresses = addressesOf(body.fixed_ips);
    const name = body.mac_address ? await nameByMac(body.mac_address) : undefined;
    if (name) await configure(name, addresses, true);
    const record = await this.read();
    const entry = {
      ...(body.network_id ? { network_id: body.network_id } : {}),
      ...(body.mac_address ? { mac_address: body.mac_address.toLowerCase() } : {}),
      ...(name ? { interface: name } : {}),
    };
    const at = record.networks.findIndex((n) => sameNetwork(n, body));
    if (at >= 0) record.networks[at] = entry;
    else record.networks.push(entry);
    await this.write(record);
    return name ? { interface: name } : {};
  }

  /** Flushes and downs the interface of a plugged network and forgets it. A network it does not know is success. */
  async unplugNetwork(body: UnplugNetworkBody): Promise<PlugResult> {
    const record = await this.read();
    const entries = record.networks.filter((n) => sameNetwork(n, body));
    const macs = new Set([body.mac_address?.toLowerCase(), ...entries.map((n) => n.mac_address)]);
    const interfaces = (await listInterfaces()).filter((i) => macs.has(i.mac));
    for (const port of interfaces) await deconfigure(port.name);
    record.networks = record.networks.filter((n) => !entries.includes(n));
    await this.write(record);
    return interfaces[0] ? { interface: interfaces[0].name } : {};
  }

  /** The VIP network's id and the member networks' in plug order, as the agent was told them. */
  async networks(): Promise<{ vip?: string; members: string[] }> {
    const record = await this.read();
    const members = record.networks.map((n) => n.network_id).filter((id): id is string => id !== undefined);
    return { ...(record.vip?.network_id ? { vip: record.vip.network_id } : {}), members };
  }

  /** The interfaces, each with the network it was plugged for when known. */
  async interfaces(): Promise<AgentInterface[]> {
    const record = await this.read();
    return (await listInterfaces()).map((port) => {
      const networkId =
        record.vip?.interface === port.name
          ? record.vip.network_id
          : record.networks.find((n) => n.mac_address === port.mac)?.network_id;
      return networkId ? { ...port, network_id: networkId } : port;
    });
  }

  private async read(): Promise<PluggedRecord> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as PluggedRecord;
    } catch {
      return { networks: [] };
    }
  }

  private async write(record: PluggedRecord): Promise<void> {
    await writeFile(`${this.file}.tmp`, JSON.stringify(record), { mode: 0o600 });
    await rename(`${this.file}.tmp`, this.file);
  }
}

/** Whether a recorded network is the one a request names: by network id when both have one, else by MAC. */
function sameNetwork(entry: PluggedRecord['networks'][number], body: UnplugNetworkBody): boolean {
  if (body.network_id !== undefined && entry.network_id !== undefined) return body.network_id === entry.network_id;
  return body.mac_address !== undefined && entry.mac_address === body.mac_address.toLowerCase();
}
