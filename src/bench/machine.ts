import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { ownCpuMs, processCpuMs } from './server-process';

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

/** CPU other processes use over `ms`, in percent of one core; `pid` is the server, whose CPU is the bench's. */
export async function othersCpuPercent(ms: number, pid?: number): Promise<number> {
  const sampler = new OthersSampler(pid);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return sampler.percent();
}

/** Watches, from its creation, the CPU the machine spends on anything but this process and the server. */
export class OthersSampler {
  private readonly started = performance.now();
  private readonly busy = machineBusyMs();
  private readonly own = ownCpuMs();
  private readonly server: number;

  constructor(private readonly serverPid?: number) {
    this.server = processCpuMs(serverPid);
  }

  percent(): number {
    const wall = performance.now() - this.started;
    const others = machineBusyMs() - this.busy - (ownCpuMs() - this.own) - (processCpuMs(this.serverPid) - this.server);
    return Math.max(0, Math.round((others / wall) * 100));
  }
}

export function loadAverage(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
