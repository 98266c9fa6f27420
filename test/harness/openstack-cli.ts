import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where the stock client lives: a virtualenv in the project's state folder, shared with scripts/openstack-client-check.sh. */
const VENV = join(__dirname, '..', '..', '.temporal', 'osc');

/** Held while one test process installs the client: parallel jest workers would otherwise race to build the venv. */
const LOCK = `${VENV}.lock`;

/**
 * The stock `openstack` CLI with the Octavia plugin (python-openstackclient, python-octaviaclient from PyPI, which
 * bring openstacksdk), installed into a virtualenv on first use (about a minute). Returns the path of its `openstack`
 * command. Several test files may ask at once: one installs, the others wait for it.
 */
export async function ensureOpenStackCli(): Promise<string> {
  const openstack = join(VENV, 'bin', 'openstack');
  const deadline = Date.now() + 900_000;
  while (!existsSync(openstack)) {
    if (takeLock()) {
      try {
        if (!existsSync(openstack)) await install(openstack);
      } finally {
        rmSync(LOCK, { recursive: true, force: true });
      }
    } else {
      if (Date.now() > deadline) throw new Error(`another test process holds ${LOCK} for more than 15 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  return openstack;
}

/** mkdir is atomic: whoever creates the lock directory installs. A lock left by a killed run is taken over after 15 min. */
function takeLock(): boolean {
  mkdirSync(join(VENV, '..'), { recursive: true });
  try {
    mkdirSync(LOCK);
    return true;
  } catch {
    const since = statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs;
    if (since !== undefined && Date.now() - since > 900_000) rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

async function install(openstack: string): Promise<void> {
  // A venv half made by a killed run is made again.
  rmSync(VENV, { recursive: true, force: true });
  await run('python3', ['-m', 'venv', VENV], { timeout: 120_000 });
  await run(join(VENV, 'bin', 'pip'), ['install', '-q', 'python-openstackclient', 'python-octaviaclient'], {
    timeout: 600_000,
  });
  if (!existsSync(openstack)) throw new Error(`pip installed python-openstackclient, but ${openstack} is missing`);
}

/** What one run of the CLI said. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with `env` (the OS_* variables of whoever runs it) and nothing else of the test's environment. */
export async function runOpenStack(openstack: string, args: string[], env: Record<string, string>): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(openstack, args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}
