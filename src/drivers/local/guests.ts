/**
 * Guests of the fabric that are not amphorae: member servers on member networks and clients on the VIP network,
 * each a namespace with one port (recorded in the cloud, so its address is the cloud's) and one program.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalDrivers } from '.';
import { wirePort } from './fabric/ports';
import { gatewayDial, type Dial } from './gateway/client';
import { createNamespace, deleteNamespace } from './system/netns';
import { isAlive } from './system/processes';
import { spawnInNamespace } from './system/spawn';

/** A guest: its namespace, its port and address, its program. */
export interface Guest {
  name: string;
  namespace: string;
  portId: string;
  address: string;
  pid: number;
}

/** A member server: answers HTTP (and TCP when asked) with its name. */
export interface MemberGuest extends Guest {
  httpPort: number;
  tcpPort?: number;
}

/** A client on the VIP network, reached through its own gateway. */
export interface ClientGuest extends Guest {
  dial: Dial;
}

const START_TIMEOUT_MS = 10_000;

/** Makes the guest's namespace and port and starts `argv(address)` in it. */
async function startGuest(
  drivers: LocalDrivers,
  name: string,
  networkId: string,
  argv: (address: string, dir: string) => string[],
): Promise<Guest> {
  const { fabric, network } = drivers;
  const namespace = fabric.names.guestNamespace(name);
  const dir = fabric.names.guestDir(name);
  const port = await network.createPort({ name: `guest-${fabric.names.id}-${name}`, networkId });
  const fixed = port.fixedIps[0];
  const subnet = fixed ? await network.getSubnet(fixed.subnetId) : undefined;
  if (!fixed || !subnet) throw new Error(`guest ${name}: port ${port.id} got no address on network ${networkId}`);
  await createNamespace(namespace);
  await wirePort(fabric.names, namespace, {
    portId: port.id,
    networkId,
    macAddress: port.macAddress ?? '',
    ifname: 'eth0',
    addresses: [`${fixed.ipAddress}/${subnet.cidr.split('/')[1]}`],
    up: true,
  });
  const pid = spawnInNamespace(namespace, [process.execPath, ...argv(fixed.ipAddress, dir)], join(dir, 'guest.log'));
  return { name, namespace, portId: port.id, address: fixed.ipAddress, pid };
}

/** Waits until `ready()` or fails with the guest's last log line once it died or the time ran out. */
async function waitFor(guest: Guest, dir: string, ready: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await ready())) {
    if (!isAlive(guest.pid) || Date.now() > deadline) {
      const log = existsSync(join(dir, 'guest.log')) ? readFileSync(join(dir, 'guest.log'), 'utf8').trim() : '';
      throw new Error(`guest ${guest.name} did not start: ${log.split('\n').pop() || 'no output'}`);
    }
    await sleep(10);
  }
}

/**
 * Starts a member server on `networkId`: HTTP on `httpPort` (and TCP on `tcpPort`), each answer naming `name`.
 *
 * @returns the member, once it listens.
 */
export async function startMember(
  drivers: LocalDrivers,
  options: { name: string; networkId: string; httpPort?: number; tcpPort?: number },
): Promise<MemberGuest> {
  const httpPort = options.httpPort ?? 8080;
  const dir = drivers.fabric.names.guestDir(options.name);
  const readyFile = join(dir, 'ready');
  const guest = await startGuest(drivers, options.name, options.networkId, (address) => [
    drivers.scripts.member,
    '--name',
    options.name,
    '--http',
    `${address}:${httpPort}`,
    ...(options.tcpPort ? ['--tcp', `${address}:${options.tcpPort}`] : []),
    // Also puts the fabric's directory in the member's command line, where a stale clean-up looks for processes.
    '--ready-file',
    readyFile,
  ]);
  await waitFor(guest, dir, () => existsSync(readyFile));
  return { ...guest, httpPort, ...(options.tcpPort ? { tcpPort: options.tcpPort } : {}) };
}

/**
 * Starts a client on `networkId` (the VIP network: "the internet"): a gateway in its namespace, so that the calling
 * process sends traffic to the VIP from there.
 */
export async function startClient(
  drivers: LocalDrivers,
  options: { name: string; networkId: string },
): Promise<ClientGuest> {
  const dir = drivers.fabric.names.guestDir(options.name);
  const socket = join(dir, 'gateway.sock');
  const allow = drivers.cloud.transact((tx) => {
    const network = tx.get('networks', options.networkId);
    return (network?.subnetIds ?? []).flatMap((id) => tx.get('subnets', id)?.cidr ?? []);
  });
  const guest = await startGuest(drivers, options.name, options.networkId, () => [
    drivers.scripts.gateway,
    '--socket',
    socket,
    '--allow',
    allow.join(','),
  ]);
  await waitFor(guest, dir, () => existsSync(socket));
  return { ...guest, dial: gatewayDial(socket) };
}

/** Stops a guest and removes its namespace and port. Idempotent. */
export async function removeGuest(drivers: LocalDrivers, guest: Pick<Guest, 'namespace' | 'portId'>): Promise<void> {
  await deleteNamespace(guest.namespace);
  await drivers.network.deletePort(guest.portId);
}
