/**
 * The amphora's network interfaces, configured with `ip` (the agent runs inside the amphora's namespace, so plain
 * `ip addr ...` acts on it): the VIP base port `eth1`, member ports named `eth2`, `eth3`, ... as they are plugged.
 */
import { isIP } from 'node:net';
import type { AgentInterface, FixedIpBody } from './api';
import { AgentError } from './errors';
import { runChecked } from './exec';

/** One interface as `ip -j addr show` describes it (the fields read here). */
interface IpAddrEntry {
  ifname: string;
  address?: string;
  addr_info?: { family: string; local: string; prefixlen: number; scope?: string }[];
}

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;

/** The interfaces of the namespace, loopback left out. */
export async function listInterfaces(): Promise<AgentInterface[]> {
  const entries = JSON.parse(await runChecked('ip', ['-j', 'addr', 'show'])) as IpAddrEntry[];
  return entries
    .filter((entry) => entry.ifname !== 'lo')
    .map((entry) => ({
      name: entry.ifname,
      mac: (entry.address ?? '').toLowerCase(),
      addresses: (entry.addr_info ?? [])
        .filter((info) => info.scope !== 'link')
        .map((info) => `${info.local}/${info.prefixlen}`),
    }));
}

/** The prefix length of a CIDR, checked against the address family of `address`. */
export function prefixOf(cidr: string, address: string): number {
  const [base = '', bits = ''] = cidr.split('/');
  const family = isIP(address);
  const max = family === 6 ? 128 : 32;
  const prefix = Number(bits);
  if (family === 0) throw new AgentError(400, 'Invalid address', `${address} is not an IP address`);
  if (isIP(base) !== family || !/^\d{1,3}$/.test(bits) || prefix > max) {
    throw new AgentError(400, 'Invalid subnet CIDR', `${cidr} is not a CIDR of ${address}'s address family`);
  }
  return prefix;
}

/** Checks an interface name before it reaches `ip`. */
export function checkName(name: string): string {
  if (!IFNAME.test(name)) throw new AgentError(400, 'Invalid interface name', `${name} is not an interface name`);
  return name;
}

/**
 * Brings `name` up with the addresses `wanted` (`address/prefix`); idempotent. `exclusive` also removes the other
 * global addresses (a member port re-plugged with other fixed IPs); the VIP port is not exclusive, as keepalived
 * adds the VIP to it.
 */
export async function configure(name: string, wanted: string[], exclusive: boolean): Promise<void> {
  const current = (await listInterfaces()).find((i) => i.name === name);
  if (!current) throw new AgentError(404, 'Interface not found', `No interface ${name} in the amphora`);
  for (const address of exclusive ? current.addresses.filter((a) => !wanted.includes(a)) : []) {
    await runChecked('ip', ['addr', 'del', address, 'dev', name]);
  }
  for (const address of wanted.filter((a) => !current.addresses.includes(a))) {
    await runChecked('ip', ['addr', 'replace', address, 'dev', name]);
  }
  await runChecked('ip', ['link', 'set', 'dev', name, 'up']);
}

/** `address/prefix` of each fixed IP. */
export function addressesOf(fixedIps: FixedIpBody[]): string[] {
  return fixedIps.map((ip) => `${ip.ip_address}/${prefixOf(ip.subnet_cidr, ip.ip_address)}`);
}

/**
 * The interface with MAC `mac`, renamed to the first free `ethN` (N >= 2) unless it already has such a name: the
 * network driver creates member ports under a temporary name, and the agent names them, as an amphora's kernel would.
 */
export async function nameByMac(mac: string): Promise<string> {
  const interfaces = await listInterfaces();
  const port = interfaces.find((i) => i.mac === mac.toLowerCase());
  if (!port) {
    throw new AgentError(
      404,
      'Interface not found',
      `No interface with MAC address ${mac}: is the port plugged into the amphora?`,
    );
  }
  const match = /^eth(\d+)$/.exec(port.name);
  if (match && Number(match[1]) >= 2) return port.name;
  const taken = new Set(interfaces.map((i) => i.name));
  let n = 2;
  while (taken.has(`eth${n}`)) n += 1;
  const name = `eth${n}`;
  // A link must be down to be renamed.
  await runChecked('ip', ['link', 'set', 'dev', port.name, 'down']);
  await runChecked('ip', ['link', 'set', 'dev', port.name, 'name', name]);
  return name;
}

/** Removes every address of `name` and takes it down; a missing interface is fine (its port is gone already). */
export async function deconfigure(name: string): Promise<void> {
  if (!(await listInterfaces()).some((i) => i.name === name)) return;
  await runChecked('ip', ['addr', 'flush', 'dev', name]);
  await runChecked('ip', ['link', 'set', 'dev', name, 'down']);
}

/** Points the default route at `gateway` through `name`. */
export async function defaultRoute(gateway: string, name: string): Promise<void> {
  if (isIP(gateway) === 0) throw new AgentError(400, 'Invalid gateway', `${gateway} is not an IP address`);
  await runChecked('ip', [
    isIP(gateway) === 6 ? '-6' : '-4',
    'route',
    'replace',
    'default',
    'via',
    gateway,
    'dev',
    name,
  ]);
}
