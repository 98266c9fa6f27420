/** Removing what a killed run left: fabrics none of whose users lives, with their namespaces and processes. */
import { readdirSync, rmSync } from 'node:fs';
import { deleteNamespace, namespacesWithPrefix } from '../system/netns';
import { processesMentioning, stopProcesses } from '../system/processes';
import { liveUsers } from './fabric';
import { DEFAULT_LOCAL_ROOT, FabricNames, isFabricId, NAMESPACE_PREFIX } from './names';

/** What a stale clean-up removed. */
export interface StaleCleanup {
  fabrics: string[];
  namespaces: string[];
}

/**
 * Removes every fabric under `root` that no live process made or joined, with its namespaces and processes. Safe to run at any time
 * and more than once: a live fabric is never touched, nor a namespace of a fabric this root does not hold (another
 * root's: a namespace's name says its fabric's id, not its root).
 */
export async function cleanupStaleFabrics(root = DEFAULT_LOCAL_ROOT): Promise<StaleCleanup> {
  const removed: StaleCleanup = { fabrics: [], namespaces: [] };
  let ids: string[] = [];
  try {
    // Only what a fabric would be: a directory named like a fabric id. Anything else in the root is not ours to remove.
    ids = readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && isFabricId(entry.name))
      .map((entry) => entry.name);
  } catch {
    ids = [];
  }
  for (const id of ids) {
    const names = new FabricNames(id, root);
    if (liveUsers(names.dir).length > 0) continue;
    await stopProcesses(processesMentioning(`${names.dir}/`));
    removed.fabrics.push(id);
  }
  const stale = new Set(removed.fabrics);
  for (const namespace of namespacesWithPrefix(NAMESPACE_PREFIX)) {
    const fabricId = namespace.slice(NAMESPACE_PREFIX.length).split('-')[0] ?? '';
    if (!stale.has(fabricId)) continue;
    await deleteNamespace(namespace);
    removed.namespaces.push(namespace);
  }
  for (const id of removed.fabrics) rmSync(new FabricNames(id, root).dir, { recursive: true, force: true });
  return removed;
}
