/** Removing what a killed run left: fabrics whose owner died, and namespaces of ours that no live fabric claims. */
import { readdirSync, rmSync } from 'node:fs';
import { deleteNamespace, namespacesWithPrefix } from '../system/netns';
import { isAlive, processesMentioning, stopProcesses } from '../system/processes';
import { readOwner } from './fabric';
import { DEFAULT_LOCAL_ROOT, FabricNames, NAMESPACE_PREFIX } from './names';

/** What a stale clean-up removed. */
export interface StaleCleanup {
  fabrics: string[];
  namespaces: string[];
}

/**
 * Removes every fabric under `root` whose owner is dead, with its namespaces and processes, and every namespace
 * named like ours (`ampdp-...`) that belongs to no live fabric. Safe to run at any time and more than once: a live
 * fabric is never touched.
 */
export async function cleanupStaleFabrics(root = DEFAULT_LOCAL_ROOT): Promise<StaleCleanup> {
  const live: string[] = [];
  const removed: StaleCleanup = { fabrics: [], namespaces: [] };
  let ids: string[] = [];
  try {
    ids = readdirSync(root);
  } catch {
    ids = [];
  }
  for (const id of ids) {
    const names = new FabricNames(id, root);
    const owner = readOwner(names.dir);
    if (owner !== undefined && isAlive(owner)) {
      live.push(id);
      continue;
    }
    await stopProcesses(processesMentioning(`${names.dir}/`));
    removed.fabrics.push(id);
  }
  const claimed = (namespace: string) =>
    live.some((id) => namespace === `${NAMESPACE_PREFIX}${id}` || namespace.startsWith(`${NAMESPACE_PREFIX}${id}-`));
  for (const namespace of namespacesWithPrefix(NAMESPACE_PREFIX)) {
    if (claimed(namespace)) continue;
    await deleteNamespace(namespace);
    removed.namespaces.push(namespace);
  }
  for (const id of removed.fabrics) rmSync(new FabricNames(id, root).dir, { recursive: true, force: true });
  return removed;
}
