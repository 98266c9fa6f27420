/**
 * The health listener's throughput: valid signed heartbeats blasted from one process at a listener in another, both
 * on 127.0.0.1, and what the listener recorded divided by the CPU time it spent (so the figure is per core, whatever
 * else the machine's second core did). Datagrams the sender sent that the listener never received were dropped by
 * the kernel when the listener's receive buffer was full: they are reported, as is the kernel's own count.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlasterDone } from './health-blaster';
import type { ListenerMessage } from './health-listener-process';
import type { HealthPlan } from './health-settings';
import { trackBenchProcess, untrackBenchProcess } from './machine';
import { pause } from './health-fleet';
import { round } from './stats';

export interface ListenerThroughput {
  sent: number;
  /** Datagrams the listener read from its socket, whatever became of them. */
  received: number;
  recorded: number;
  /** Sent but never received: lost to a full receive buffer (UDP has no back-pressure). */
  dropped: number;
  /** The kernel's count of UDP datagrams dropped for a full receive buffer over the run (the whole machine's). */
  kernel_rcvbuf_errors: number;
  listener_cpu_s: number;
  /** Recorded heartbeats per CPU second of the listener's process: datagrams per second per core. */
  per_core_per_s: number;
  /** Recorded heartbeats per second of the blast, wall clock. */
  recorded_per_s: number;
  datagram_bytes: number;
}

type Message = ListenerMessage | BlasterDone;

/** The next message of `type` from `child`; rejects if it exits first. */
function next<T extends Message['type']>(child: ChildProcess, type: T): Promise<Extract<Message, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Message) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as Extract<Message, { type: T }>);
    };
    const onExit = (code: number | null) => reject(new Error(`a health bench process exited (code ${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** The kernel's UDP counters (/proc/net/snmp). */
function udpCounters(): Record<string, number> {
  const [names, values] = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('Udp:'))
    .map((line) => line.split(/\s+/).slice(1));
  return Object.fromEntries((names ?? []).map((name, index) => [name, Number(values?.[index] ?? 0)]));
}

function start(script: string, env: Record<string, string>): ChildProcess {
  const child = fork(join(__dirname, script), [], { env: { ...process.env, ...env }, stdio: 'inherit' });
  trackBenchProcess(child.pid);
  return child;
}

/** One run: a listener recording into `store` (`memory` or `sqlite`), blasted for `plan.durationMs`. */
async function runOnce(store: 'memory' | 'sqlite', plan: HealthPlan['throughput']): Promise<ListenerThroughput> {
  const dir = mkdtempSync(join(tmpdir(), 'amphora-bench-listener-'));
  const common = {
    AMPHORA_HEARTBEAT_KEY: randomBytes(32).toString('hex'),
    AMPHORA_BENCH_AMPHORAE: String(plan.amphorae),
  };
  const listener = start('health-listener-process.js', {
    ...common,
    AMPHORA_BENCH_HEALTH_STORE: store === 'memory' ? 'memory' : join(dir, 'health.sqlite'),
  });
  try {
    const { port } = await next(listener, 'ready');
    const kernelBefore = udpCounters().RcvbufErrors ?? 0;
    listener.send({ type: 'start' });
    await next(listener, 'started');
    const blaster = start('health-blaster.js', {
      ...common,
      AMPHORA_BENCH_PORT: String(port),
      AMPHORA_BENCH_DURATION_MS: String(plan.durationMs),
    });
    const done = await next(blaster, 'done');
    untrackBenchProcess(blaster.pid);
    // Let the listener drain what its receive buffer still holds: until its count stops moving.
    let report = await ask(listener);
    for (;;) {
      await pause(200);
      const later = await ask(listener);
      if (received(later) === received(report)) break;
      report = later;
    }
    const recorded = report.counts.recorded;
    const cpuS = report.cpuMs / 1000;
    return {
      sent: done.sent,
      received: received(report),
      recorded,
      dropped: done.sent - received(report),
      kernel_rcvbuf_errors: (udpCounters().RcvbufErrors ?? 0) - kernelBefore,
      listener_cpu_s: round(cpuS, 2),
      per_core_per_s: Math.round(recorded / cpuS),
      recorded_per_s: Math.round(recorded / (plan.durationMs / 1000)),
      datagram_bytes: done.bytes,
    };
  } finally {
    listener.send({ type: 'stop' });
    await new Promise((resolve) => listener.once('exit', resolve));
    untrackBenchProcess(listener.pid);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function ask(listener: ChildProcess) {
  listener.send({ type: 'report' });
  return next(listener, 'report');
}

const received = (report: Extract<ListenerMessage, { type: 'report' }>) =>
  Object.values(report.counts).reduce((sum, count) => sum + count, 0);

/** The throughput with the product's SQLite store, and with the in-memory one for comparison. */
export async function measureListenerThroughput(
  plan: HealthPlan['throughput'],
): Promise<{ sqlite: ListenerThroughput; memory: ListenerThroughput }> {
  return { sqlite: await runOnce('sqlite', plan), memory: await runOnce('memory', plan) };
}
