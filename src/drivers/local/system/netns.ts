/** Network namespaces: made, listed and removed with everything that runs in them. */
import { existsSync, readdirSync } from 'node:fs';
import { ip, ipBatch, ipJson, run } from './exec';
import { stopProcesses } from './processes';

/** Where `ip netns` keeps the names of namespaces. */
const NETNS_DIR = '/run/netns';

/** Whether the named namespace exists. */
export function namespaceExists(name: string): boolean {
  return existsSync(`${NETNS_DIR}/${name}`);
}

/** The names of the namespaces starting with `prefix`. */
export function namespacesWithPrefix(prefix: string): string[] {
  if (!existsSync(NETNS_DIR)) return [];
  return readdirSync(NETNS_DIR).filter((name) => name.startsWith(prefix));
}

/**
 * Makes a namespace with its loopback up and, when given, sysctls set (a new namespace starts from the kernel's
 * defaults, not the host's). Idempotent: an existing namespace is kept.
 */
export async function createNamespace(name: string, sysctls: Record<string, string> = {}): Promise<void> {
  if (!namespaceExists(name)) await ip(['netns', 'add', name]);
  await ip(['link', 'set', 'lo', 'up'], name);
  const settings = Object.entries(sysctls).map(([key, value]) => `${key}=${value}`);
  if (settings.length > 0) await run('ip', ['netns', 'exec', name, 'sysctl', '-qw', ...settings]);
}

/** The processes running in the namespace. */
export async function namespacePids(name: string): Promise<number[]> {
  if (!namespaceExists(name)) return [];
  const out = await ip(['netns', 'pids', name]).catch(() => '');
  return out
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

/**
 * Stops every process in the namespace, then removes it. Order matters: `ip netns del` only drops the name, and a
 * namespace whose processes live on keeps its interfaces (and their veth peers in the fabric). Idempotent.
 */
export async function deleteNamespace(name: string): Promise<void> {
  await stopProcesses(await namespacePids(name));
  if (namespaceExists(name)) {
    // The kernel tears a namespace down asynchronously, veth peers in the fabric included; deleting the veths first
    // removes both ends now, so that the fabric is clean when this returns.
    const veths = await ipJson<{ ifname: string }>(['link', 'show', 'type', 'veth'], name).catch(() => []);
    await ipBatch(
      veths.map((veth) => `link del ${veth.ifname}`),
      name,
    ).catch(() => undefined);
    await ip(['netns', 'del', name]).catch((err: unknown) => {
      if (namespaceExists(name)) throw err;
    });
  }
}
