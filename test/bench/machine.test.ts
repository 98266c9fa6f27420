import { spawn } from 'node:child_process';
import { othersCpuPercent } from '../../src/bench/machine';
import { processCpuMs } from '../../src/bench/server-process';

/** The bench refuses to write results when another program takes CPU: that measure has to see one. */
describe("the bench's view of the machine", () => {
  it('sees another process spinning, and counts the CPU a given process used', async () => {
    const spinner = spawn(process.execPath, ['-e', 'const end = Date.now() + 5000; while (Date.now() < end) {}']);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const busy = await othersCpuPercent(1_000);
      expect(busy).toBeGreaterThan(50);
      // Counted as the server's (the bench's own), the same spinning is not another program's.
      const excused = await othersCpuPercent(1_000, spinner.pid);
      expect(excused).toBeLessThan(busy - 40);
      expect(processCpuMs(spinner.pid)).toBeGreaterThan(1_000);
    } finally {
      spinner.kill();
    }
  });
});
