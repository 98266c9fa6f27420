/** Running the amphora's commands (`ip`, `haproxy`, `keepalived`): argument arrays, never a shell. */
import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { AgentError } from './errors';

/** What a finished command said. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** How long any one command may run: everything here is quick, a hang is a bug to report, not to wait for. */
const COMMAND_TIMEOUT_MS = 20_000;

/** Runs `command` and returns its exit code and output, whatever the code. */
export function run(command: string, args: string[]): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: COMMAND_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new AgentError(500, `Cannot run ${command}`, error.message, { cause: error }));
        return;
      }
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/**
 * Runs `command` and returns its standard output.
 *
 * @throws AgentError 500 with the command line and its error output when it fails.
 */
export async function runChecked(command: string, args: string[]): Promise<string> {
  const result = await run(command, args);
  if (result.code !== 0) {
    throw new AgentError(
      500,
      `${command} ${args.join(' ')} failed with exit code ${result.code}`,
      (result.stderr || result.stdout).trim(),
    );
  }
  return result.stdout;
}

/**
 * Runs a command that daemonizes itself (`haproxy -D`, `keepalived`), with its output appended to `logFile`, in a
 * session of its own so that the daemon outlives the agent, and waits for the launching process to exit.
 *
 * @returns the launcher's exit code.
 */
export function runDaemon(command: string, args: string[], logFile: string): Promise<number> {
  const log = openSync(logFile, 'a', 0o600);
  return new Promise<number>((resolve, reject) => {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
    child.once('error', (error) =>
      reject(new AgentError(500, `Cannot run ${command}`, error.message, { cause: error })),
    );
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  }).finally(() => closeSync(log));
}
