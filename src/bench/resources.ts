/** Samples this process's CPU time and resident memory while a piece of work runs. */
export class ResourceSampler {
  private readonly cpuStart = process.cpuUsage();
  private readonly wallStart = performance.now();
  private peakRss = process.memoryUsage.rss();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 100) {
    this.timer = setInterval(() => {
      this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss());
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops sampling: CPU as a percentage of one core over the wall time, and the peak RSS in MiB. */
  stop(): { cpuPercent: number; peakRssMb: number } {
    clearInterval(this.timer);
    this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss());
    const cpu = process.cpuUsage(this.cpuStart);
    const wallMs = performance.now() - this.wallStart;
    return {
      cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
      peakRssMb: Math.round(this.peakRss / 1024 / 1024),
    };
  }
}
