/** The daemons' processes, found through their pid files: alive or not, and stopping them. */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** The first pid in a pid file (haproxy's master, keepalived's parent), or undefined when there is none. */
export async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, 'utf8')).split('\n')[0]?.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is a live process of the program `name`. The name guards against a pid file whose process is gone
 * and whose pid was reused; a zombie counts as dead, as it serves nothing (haproxy's master leaves one briefly).
 */
export function isRunning(pid: number | undefined, name: string): boolean {
  if (pid === undefined) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ...`: comm may hold blanks and parentheses, so take the last `)`.
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return comm === name && state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `pid` is no longer a live `name`; false when it still is after `timeoutMs`. */
export async function waitForExit(pid: number, name: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid, name)) {
    if (Date.now() >= deadline) return false;
    await sleep(10);
  }
  return true;
}

/**
 * Stops `pid` (a `name`): SIGTERM, then SIGKILL when it has not exited after `graceMs`, and waits until it is gone:
 * keepalived refuses to start while the process of its old pid file lives (FINDINGS gotcha 3).
 */
export async function terminate(pid: number | undefined, name: string, graceMs: number): Promise<void> {
  if (pid === undefined || !isRunning(pid, name)) return;
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, name, graceMs)) return;
  signal(pid, 'SIGKILL');
  await waitForExit(pid, name, 2000);
}

/** Sends `sig`, ignoring a process that exited meanwhile. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Polls `check` every 10 ms until it is true; false after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(10);
  }
}
