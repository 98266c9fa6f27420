import { buildSync } from 'esbuild';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/** The sources of the programs the local data plane runs in namespaces. */
const ENTRIES = {
  agent: 'src/agent/main.ts',
  gateway: 'src/drivers/local/gateway/main.ts',
  member: 'src/drivers/local/member/main.ts',
  health: 'src/controller/health/main.ts',
} as const;

/**
 * Bundles the agent, gateway, member and health listener programs from the sources into one directory (esbuild takes a fraction of a
 * second, where a `tsc` build takes many), so that tests run what the sources say without `npm run build`.
 *
 * @returns the directory, for AMPHORA_LOCAL_SCRIPTS_DIR.
 */
export function bundleLocalScripts(): string {
  // Inside the project's node_modules: the health listener's native addon (better-sqlite3), left outside the bundle,
  // is then found by Node's usual lookup from the bundle's folder.
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'amphora-local-scripts-'));
  for (const [name, entry] of Object.entries(ENTRIES)) {
    buildSync({
      entryPoints: [join(ROOT, entry)],
      outfile: join(dir, `${name}.js`),
      bundle: true,
      platform: 'node',
      target: 'node20',
      logLevel: 'error',
      // Native addons stay outside the bundle (only the health listener needs one).
      external: ['better-sqlite3'],
    });
  }
  return dir;
}
