import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNoopDrivers, type NoopDrivers } from '../drivers';
import { BENCH_NETWORKS } from './context';

/** A storm worker running in its own process, and the noop cloud the bench shares with it. */
export interface StormWorker {
  pid: number;
  /** The bench's side of the shared noop cloud: it seeds the load balancers the storm fails over. */
  drivers: NoopDrivers;
  /** The most memory the worker process has held so far (VmHWM), in MiB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/** Starts `storm-worker.js` on `taskQueue` of the server at `address`, with instances that boot in `bootMs`. */
export async function spawnStormWorker(address: string, taskQueue: string, bootMs: number): Promise<StormWorker> {
  const dir = mkdtempSync(join(tmpdir(), 'amphora-bench-storm-'));
  const sqliteFile = join(dir, 'noop.db');
  const drivers = createNoopDrivers({ state: { sqliteFile }, buildDelayMs: bootMs, networks: BENCH_NETWORKS });
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'storm-worker.js')], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      AMPHORA_TASK_QUEUE: taskQueue,
      AMPHORA_BENCH_NOOP_STATE: sqliteFile,
      AMPHORA_BENCH_BOOT_MS: String(bootMs),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let said = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the storm worker exited before it was ready (code ${code})`)));
  });
  const pid = child.pid ?? 0;
  return {
    pid,
    drivers,
    peakRssMb() {
      const kib = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      return Math.round(Number(kib ?? 0) / 1024);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      drivers.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
