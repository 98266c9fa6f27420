import { buildSync } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/** The sources of the programs the local data plane runs in namespaces. */
const ENTRIES = {
  agent: 'src/agent/main.ts',
  gateway: 'src/drivers/local/gateway/main.ts',
  member: 'src/drivers/local/member/main.ts',
} as const;

/**
 * Bundles the agent, gateway and member programs from the sources into one directory (esbuild takes a fraction of a
 * second, where a `tsc` build takes many), so that tests run what the sources say without `npm run build`.
 *
 * @returns the directory, for AMPHORA_LOCAL_SCRIPTS_DIR.
 */
export function bundleLocalScripts(): string {
  const dir = mkdtempSync(join(tmpdir(), 'amphora-local-scripts-'));
  for (const [name, entry] of Object.entries(ENTRIES)) {
    buildSync({
      entryPoints: [join(ROOT, entry)],
      outfile: join(dir, `${name}.js`),
      bundle: true,
      platform: 'node',
      target: 'node20',
      logLevel: 'error',
      // Native addons stay outside the bundle (none of these programs should need one).
      external: ['better-sqlite3'],
    });
  }
  return dir;
}
