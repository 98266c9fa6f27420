/**
 * The demo's choice of data plane: the local one (amphorae as namespaces running haproxy, real traffic) when this
 * machine allows it, else the noop drivers, saying why.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  cleanupStaleFabrics,
  createLocalDrivers,
  createNoopDrivers,
  type LocalDrivers,
  type NoopDrivers,
} from '../drivers';
import { canMakeNamespaces } from '../drivers/local/fabric/fabric';

const run = promisify(execFile);

/** The Debian packages the local data plane runs, and the command that shows each is installed. */
const PACKAGES = [
  { name: 'haproxy', command: 'haproxy' },
  { name: 'keepalived', command: 'keepalived' },
  { name: 'iputils-arping', command: 'arping' },
] as const;

export type DemoDataPlane =
  { kind: 'local'; drivers: LocalDrivers } | { kind: 'noop'; drivers: NoopDrivers; why: string };

/**
 * Sets up the local data plane (installing haproxy, keepalived and arping with apt when root and missing, removing
 * what a killed run left) or falls back to noop drivers with the reason.
 */
export async function chooseDataPlane(say: (line: string) => void): Promise<DemoDataPlane> {
  const noop = (why: string): DemoDataPlane => ({
    kind: 'noop',
    drivers: createNoopDrivers({ buildDelayMs: 2_500 }),
    why,
  });
  if (process.env.AMPHORA_DEMO_DATA_PLANE === 'noop') return noop('AMPHORA_DEMO_DATA_PLANE=noop');
  if (!(await canMakeNamespaces())) return noop('network namespaces need root and `ip netns` (iproute2)');
  const missing = [];
  for (const pkg of PACKAGES) if (!(await hasCommand(pkg.command))) missing.push(pkg.name);
  if (missing.length > 0) {
    say(`Installing ${missing.join(', ')} with apt-get for the local data plane...`);
    const installed = await aptInstall(missing);
    if (installed !== true) return noop(`${missing.join(', ')} could not be installed: ${installed}`);
  }
  const stale = await cleanupStaleFabrics();
  if (stale.fabrics.length + stale.namespaces.length > 0) {
    say(
      `Removed what a killed run left: ${[...stale.fabrics.map((id) => `fabric ${id}`), ...stale.namespaces].join(', ')}`,
    );
  }
  try {
    return { kind: 'local', drivers: await createLocalDrivers({ fabricId: 'demo' }) };
  } catch (err) {
    return noop(`the local fabric could not be made: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function hasCommand(command: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

/** Installs `packages`; true, or apt's last line of error. An unknown package list gets one `apt-get update`. */
async function aptInstall(packages: string[]): Promise<true | string> {
  const install = () =>
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    await install();
    return true;
  } catch {
    try {
      await run('apt-get', ['update', '-q']);
      await install();
      return true;
    } catch (err) {
      const text = (err as { stderr?: string }).stderr ?? String(err);
      return text.trim().split('\n').pop() ?? 'apt-get failed';
    }
  }
}
