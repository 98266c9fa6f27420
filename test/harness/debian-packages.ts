import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A Debian package and the command whose presence shows it is installed (the package's own name by default). */
export type DebianPackage = string | { package: string; command: string };

/** How long apt may wait for dpkg's lock when another test file installs at the same time (seconds). */
const LOCK_TIMEOUT_SECONDS = 240;

/**
 * Makes sure the commands of some Debian packages are on the PATH, installing the missing ones with apt-get.
 *
 * Installs with `--no-install-recommends`; when apt cannot find or fetch a package (a fresh machine has no package
 * lists, an old one stale lists) it runs `apt-get update` once and tries again. Two test files may call it at the same time: apt waits for dpkg's lock
 * instead of failing. Writes one line to stderr when it installs something. A package's maintainer scripts may try
 * to start its service: Debian's container images forbid that through `/usr/sbin/policy-rc.d`; the tests that call
 * this only run the binaries in check mode.
 *
 * Idempotent: nothing is run when every command is already there.
 *
 * @param packages - the packages, with the command to look for when it differs from the package's name
 * @throws Error with apt-get's output when the installation fails (not root, no mirror reachable, unknown package)
 */
export async function ensureDebianPackages(packages: readonly DebianPackage[]): Promise<void> {
  const missing: string[] = [];
  for (const entry of packages) {
    const { package: name, command } = typeof entry === 'string' ? { package: entry, command: entry } : entry;
    if (!(await hasCommand(command))) missing.push(name);
  }
  if (missing.length === 0) return;
  const started = Date.now();
  try {
    await aptGet(['install', '-y', '--no-install-recommends', ...missing]);
  } catch (error) {
    // A fresh machine has no package lists ("Unable to locate package", "has no installation candidate"); an old
    // one has lists naming files the mirror no longer has ("Failed to fetch ... 404").
    if (!/Unable to locate package|no installation candidate|Failed to fetch/.test(outputOf(error))) {
      throw installError(missing, error);
    }
    try {
      await aptGet(['update']);
      await aptGet(['install', '-y', '--no-install-recommends', ...missing]);
    } catch (retryError) {
      throw installError(missing, retryError);
    }
  }
  process.stderr.write(`[harness] apt-get installed ${missing.join(', ')} in ${Date.now() - started} ms\n`);
}

async function hasCommand(command: string): Promise<boolean> {
  try {
    await run('sh', ['-c', 'command -v "$1"', 'sh', command]);
    return true;
  } catch {
    return false;
  }
}

async function aptGet(args: string[]): Promise<void> {
  await run('apt-get', ['-o', `DPkg::Lock::Timeout=${LOCK_TIMEOUT_SECONDS}`, '-q', ...args], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    maxBuffer: 64 * 1024 * 1024,
  });
}

function outputOf(error: unknown): string {
  const { stdout, stderr } = error as { stdout?: string; stderr?: string };
  return `${stdout ?? ''}${stderr ?? ''}` || String(error);
}

function installError(packages: string[], cause: unknown): Error {
  return new Error(
    `apt-get could not install ${packages.join(', ')} (run as root with a Debian mirror reachable): ${outputOf(cause)}`,
    { cause },
  );
}
