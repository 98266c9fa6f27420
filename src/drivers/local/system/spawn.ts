/** Starting a long-lived process inside a namespace, detached from the process that starts it. */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Starts `argv` inside `namespace` (`ip netns exec` sets the namespace, then execs the command, so the pid returned
 * is the command's), in its own session so that it outlives its starter as a real amphora's processes outlive a
 * controller, with its output appended to `logFile` and `env` as its environment (this process's by default).
 *
 * @returns the process id.
 */
export function spawnInNamespace(
  namespace: string,
  argv: readonly string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): number {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = openSync(logFile, 'a');
  try {
    const child = spawn('ip', ['netns', 'exec', namespace, ...argv], {
      detached: true,
      stdio: ['ignore', log, log],
      env,
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${argv[0]} in namespace ${namespace}`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}
