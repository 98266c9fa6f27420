/**
 * Ports as veth pairs: one end a port of the network's bridge in the fabric's namespace, the other an interface of
 * the amphora or guest that holds the port. The pair is made directly between the two namespaces, so the host's own
 * namespace never sees either end.
 */
import { ip, ipBatch, ipJson, SystemCommandError } from '../system/exec';
import type { FabricNames } from './names';

/** One port to wire into a namespace. */
export interface PortWiring {
  portId: string;
  networkId: string;
  /** The port's MAC address, which the guest's end takes: agents find their interfaces by it, as Octavia's do. */
  macAddress: string;
  /** The interface's name in the guest; the temporary `p<hash>` when absent (the agent names it when it plugs it). */
  ifname?: string;
  /** Addresses (CIDR notation) to configure now; none when the agent configures the interface later. */
  addresses?: string[];
  /** Whether to bring the guest's end up now. */
  up?: boolean;
}

/** An interface of a guest as `ip -j link` shows it. */
interface LinkInfo {
  ifname: string;
  address?: string;
  link_type?: string;
  linkinfo?: { info_kind?: string };
}

/** The veth interfaces of a namespace, with their MAC addresses. */
export async function vethsIn(namespace: string): Promise<{ ifname: string; macAddress: string }[]> {
  const links = await ipJson<LinkInfo>(['-d', 'link', 'show'], namespace);
  return links
    .filter((link) => link.linkinfo?.info_kind === 'veth')
    .map((link) => ({ ifname: link.ifname, macAddress: (link.address ?? '').toLowerCase() }));
}

/**
 * Wires a port into `namespace`. Idempotent: a port whose fabric end exists is left as it is.
 *
 * @throws SystemCommandError when the kernel refuses (no such namespace, a name taken).
 */
export async function wirePort(names: FabricNames, namespace: string, port: PortWiring): Promise<void> {
  const fabricEnd = names.fabricEnd(port.portId);
  const guestEnd = names.guestEnd(port.portId);
  try {
    await ip(
      [
        'link',
        'add',
        guestEnd,
        'address',
        port.macAddress,
        'type',
        'veth',
        'peer',
        'name',
        fabricEnd,
        'netns',
        names.fabricNamespace,
      ],
      namespace,
    );
  } catch (err) {
    if (!(err instanceof SystemCommandError && /File exists/.test(err.stderr))) throw err;
    return;
  }
  await ip(['link', 'set', fabricEnd, 'master', names.bridge(port.networkId), 'up'], names.fabricNamespace);
  const ifname = port.ifname ?? guestEnd;
  await ipBatch(
    [
      ...(ifname !== guestEnd ? [`link set ${guestEnd} name ${ifname}`] : []),
      ...(port.addresses ?? []).map((address) => `addr add ${address} dev ${ifname}`),
      ...(port.up ? [`link set ${ifname} up`] : []),
    ],
    namespace,
  );
}

/** Removes a port's veth pair by its fabric end (which takes the guest's end with it). Idempotent. */
export async function unwirePort(names: FabricNames, portId: string): Promise<void> {
  await ip(['link', 'del', names.fabricEnd(portId)], names.fabricNamespace).catch((err: unknown) => {
    if (!(err instanceof SystemCommandError && /Cannot find device|does not exist/.test(err.stderr))) throw err;
  });
}

/**
 * Makes the namespace's veths exactly `ports`: wires the missing ones and removes those of ports it should no
 * longer hold (matched by MAC address, since the agent renames what it plugs).
 */
export async function syncPorts(names: FabricNames, namespace: string, ports: readonly PortWiring[]): Promise<void> {
  const present = await vethsIn(namespace);
  const wanted = new Set(ports.map((port) => port.macAddress.toLowerCase()));
  for (const link of present) {
    if (!wanted.has(link.macAddress)) await ip(['link', 'del', link.ifname], namespace).catch(() => undefined);
  }
  const have = new Set(present.map((link) => link.macAddress));
  for (const port of ports) {
    if (!have.has(port.macAddress.toLowerCase())) await wirePort(names, namespace, port);
  }
}
