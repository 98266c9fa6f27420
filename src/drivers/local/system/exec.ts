/** Running the host's tools (`ip`, `sysctl`) with errors that say which command failed and what it printed. */
import { execFile } from 'node:child_process';

/** A host command exited non-zero or could not start. */
export class SystemCommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | string | undefined,
    readonly stderr: string,
    options: { cause?: unknown } = {},
  ) {
    super(`\`${command}\` failed (exit ${exitCode ?? 'unknown'}): ${stderr.trim() || 'no output'}`, options);
    this.name = 'SystemCommandError';
  }
}

/**
 * Runs `file args...` and returns its standard output.
 *
 * @param input - written to the command's standard input (for `ip -batch -`).
 * @throws SystemCommandError naming the command line, its exit code and its standard error.
 */
export function run(file: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // The environment is passed on purpose: a test runner's sandboxed process.env (a PATH it changed) is the one meant.
    const child = execFile(file, args, { maxBuffer: 16 * 1024 * 1024, env: process.env }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException & { code?: number | string }).code;
      reject(
        new SystemCommandError([file, ...args].join(' '), code, String(stderr || error.message), { cause: error }),
      );
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** `ip args...`, in the namespace `namespace` when given (`ip -n`). */
export function ip(args: readonly string[], namespace?: string): Promise<string> {
  return run('ip', namespace ? ['-n', namespace, ...args] : [...args]);
}

/**
 * Several `ip` commands in one process (`ip -batch -`), which costs one fork instead of one per command; `-force`
 * runs them all and reports the first failure.
 */
export function ipBatch(commands: readonly string[], namespace?: string): Promise<string> {
  if (commands.length === 0) return Promise.resolve('');
  const prefix = namespace ? ['-n', namespace] : [];
  return run('ip', [...prefix, '-batch', '-'], `${commands.join('\n')}\n`);
}

/** Parses `ip -j ...` output; an empty answer is an empty list. */
export async function ipJson<T>(args: readonly string[], namespace?: string): Promise<T[]> {
  const text = await ip(['-j', ...args], namespace);
  return text.trim() ? (JSON.parse(text) as T[]) : [];
}
