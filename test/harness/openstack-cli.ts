import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where the stock client lives: a virtualenv in the project's state folder, shared with scripts/openstack-client-check.sh. */
const VENV = join(__dirname, '..', '..', '.temporal', 'osc');

/**
 * The stock `openstack` CLI with the Octavia plugin (python-openstackclient, python-octaviaclient from PyPI),
 * installed into a virtualenv on first use (about a minute). Returns the path of its `openstack` command.
 */
export async function ensureOpenStackCli(): Promise<string> {
  const openstack = join(VENV, 'bin', 'openstack');
  if (existsSync(openstack)) return openstack;
  await run('python3', ['-m', 'venv', VENV], { timeout: 120_000 });
  await run(join(VENV, 'bin', 'pip'), ['install', '-q', 'python-openstackclient', 'python-octaviaclient'], {
    timeout: 600_000,
  });
  if (!existsSync(openstack)) throw new Error(`pip installed python-openstackclient, but ${openstack} is missing`);
  return openstack;
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
