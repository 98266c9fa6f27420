/** Processes: which are alive, which run inside a namespace or from a directory, and stopping them for good. */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Whether `pid` is a live process (a zombie counts as dead: it will never answer and only waits to be reaped). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The command line of `pid`, its arguments joined by spaces; empty when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/**
 * Processes whose command line mentions `text`: every daemon of a fabric takes its configuration, pid file or
 * socket from the fabric's directory, so this finds them even when their namespace's name is already gone.
 */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    if (commandLine(pid).includes(text)) pids.push(pid);
  }
  return pids;
}

/** Sends SIGTERM, waits up to `graceMs` for every process to exit, then SIGKILLs the rest and waits for them. */
export async function stopProcesses(pids: readonly number[], graceMs = 2_000): Promise<void> {
  const signal = (sig: NodeJS.Signals, list: readonly number[]) => {
    for (const pid of list) {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM', pids);
  const deadline = Date.now() + graceMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(10);
    alive = alive.filter(isAlive);
  }
  if (alive.length === 0) return;
  signal('SIGKILL', alive);
  const killDeadline = Date.now() + 2_000;
  while (alive.length > 0 && Date.now() < killDeadline) {
    await sleep(10);
    alive = alive.filter(isAlive);
  }
}
