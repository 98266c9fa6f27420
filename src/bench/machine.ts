import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { processCpuMs } from './server-process';

/** Busy CPU time of the whole machine so far (every core), in milliseconds, from /proc/stat's first line. */
function machineBusyMs(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/) ?? [];
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks.map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1000) / 100;
}

/** How busy the machine is with work that is not the bench's: measured before and during a run. */
export interface MachineState {
  load_average_before: number;
  /** CPU used by other processes in the seconds before the run, in percent of one core. */
  others_cpu_percent_before: number;
  /** CPU used by other processes during the run (the machine's minus the bench's and the server's). */
  others_cpu_percent_during: number;
}

/** Above this, another program took enough CPU to move the figures: results are not written. */
export const BUSY_PERCENT = 15;

/** The bench's own child processes that still run (the dev server, a storm worker): their CPU is the bench's. */
const benchProcesses = new Set<number>();

/** Counts `pid`'s CPU as the bench's own from now on (until {@link untrackBenchProcess}). */
export function trackBenchProcess(pid: number | undefined): void {
  if (pid !== undefined) benchProcesses.add(pid);
}

export function untrackBenchProcess(pid: number | undefined): void {
  if (pid !== undefined) benchProcesses.delete(pid);
}

/** Processes whose descendants count too (PostgreSQL forks a backend per connection). */
const benchTrees = new Set<number>();

/** Counts `pid`'s CPU and that of every process below it as the bench's own. */
export function trackBenchProcessTree(pid: number): void {
  benchTrees.add(pid);
}

/** CPU of trees no longer tracked: they are not the bench's children, so their time is not added to its own. */
let retiredTreeCpuMs = 0;

/** Stops tracking `pid`'s tree, keeping the CPU it has used so far as the bench's. Call before it is stopped. */
export function untrackBenchProcessTree(pid: number): void {
  const before = treeMembers();
  benchTrees.delete(pid);
  const after = new Set(treeMembers());
  for (const member of before) if (!after.has(member)) retiredTreeCpuMs += processCpuMs(member);
}

/** The live processes below the tracked trees, from /proc (each process's parent is field 4 of its stat). */
function treeMembers(): number[] {
  if (benchTrees.size === 0) return [];
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone since the listing
    }
  }
  const members = [...benchTrees].filter((pid) => parents.has(pid));
  for (let index = 0; index < members.length; index += 1) {
    for (const [pid, parent] of parents) if (parent === members[index] && !members.includes(pid)) members.push(pid);
  }
  return members;
}

/**
 * CPU the bench has used: this process, its children that ended (the kernel adds a reaped child's time to its
 * parent's), and its children that still run.
 */
function benchCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // utime, stime, cutime, cstime: the 14th to 17th fields, after the command name in parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index] ?? 0), 0) * 10;
  let children = 0;
  for (const pid of new Set([...benchProcesses, ...treeMembers()])) children += processCpuMs(pid);
  return own + children + retiredTreeCpuMs;
}

/** CPU other processes use over `ms`, in percent of one core; `pid`'s, when given, counts as the bench's. */
export async function othersCpuPercent(ms: number, pid?: number): Promise<number> {
  const tracked = pid !== undefined && !benchProcesses.has(pid);
  if (tracked) trackBenchProcess(pid);
  try {
    const sampler = new OthersSampler();
    await new Promise((resolve) => setTimeout(resolve, ms));
    return sampler.percent();
  } finally {
    if (tracked) untrackBenchProcess(pid);
  }
}

/** Watches, from its creation, the CPU the machine spends on anything but the bench and its processes. */
export class OthersSampler {
  private readonly started = performance.now();
  private readonly busy = machineBusyMs();
  private readonly bench = benchCpuMs();

  percent(): number {
    const wall = performance.now() - this.started;
    const others = machineBusyMs() - this.busy - (benchCpuMs() - this.bench);
    return Math.max(0, Math.round((others / wall) * 100));
  }
}

export function loadAverage(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
