import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const PROJECT_DIR = join(__dirname, '..', '..');

/**
 * Every process a chaos run started, so that they die with the run whatever happens: a failed assertion, a thrown
 * error, or jest tearing the test down. The 'exit' hook is the last resort (it can only send signals).
 */
const started = new Set<() => void>();
let exitHookInstalled = false;
function track(kill: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const killNow of started) killNow();
    });
  }
  started.add(kill);
  return () => started.delete(kill);
}

/**
 * A Temporal dev server run through `./temporal-dev.sh up` / `down`, on the given ports, with its state in a SQLite
 * file that survives a restart.
 */
export class DevServer {
  readonly address: string;
  private readonly env: NodeJS.ProcessEnv;
  private untrack?: () => void;

  constructor(private readonly options: { port: number; uiPort: number; dbFile: string; stateDir: string }) {
    this.address = `127.0.0.1:${options.port}`;
    this.env = {
      ...process.env,
      TEMPORAL_DEV_IP: '127.0.0.1',
      TEMPORAL_DEV_PORT: String(options.port),
      TEMPORAL_DEV_UI_PORT: String(options.uiPort),
      TEMPORAL_DEV_DB: options.dbFile,
      TEMPORAL_DEV_STATE_DIR: options.stateDir,
    };
  }

  /** Starts the server and waits until its frontend answers (the script waits). */
  async up(): Promise<void> {
    await this.script('up');
    const pidFile = join(this.options.stateDir, `server-${this.options.port}.pid`);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    this.untrack?.();
    this.untrack = track(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    });
  }

  /** Stops the server gracefully (SIGTERM, then SIGKILL after 20 s: the script does it). */
  async down(): Promise<void> {
    await this.script('down');
    this.untrack?.();
    this.untrack = undefined;
  }

  /** The server's log, for a failure message. */
  logFile(): string {
    return join(this.options.stateDir, `server-${this.options.port}.log`);
  }

  private async script(command: 'up' | 'down'): Promise<void> {
    await promisify(execFile)(join(PROJECT_DIR, 'temporal-dev.sh'), [command], { env: this.env, timeout: 90_000 });
  }
}

/**
 * One `amphora worker` process (`node lib/cli.js worker`, the built CLI). Its stderr goes to a log file; it is ready
 * once it logs "worker started". A process that exits without being told to is recorded, so the run can report it.
 */
export class WorkerProcess {
  private child?: ChildProcess;
  private log?: WriteStream;
  private untrack?: () => void;
  private expectingExit = false;
  /** Exits nobody asked for: a crash, or the CLI giving up on the server. */
  readonly unexpectedExits: string[] = [];
  starts = 0;

  constructor(
    readonly name: string,
    private readonly logFile: string,
    private readonly env: () => NodeJS.ProcessEnv,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the worker and waits until it polls, or fails after `timeoutMs`. */
  async start(timeoutMs = 120_000): Promise<void> {
    const cli = join(PROJECT_DIR, 'lib', 'cli.js');
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first (npm run test:chaos does)`);
    this.starts += 1;
    this.expectingExit = false;
    this.log ??= createWriteStream(this.logFile, { flags: 'a' });
    const log = this.log;
    log.write(`\n--- start ${this.starts} of ${this.name} at ${new Date().toISOString()} ---\n`);
    const child = spawn(process.execPath, [cli, 'worker'], {
      cwd: PROJECT_DIR,
      env: this.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.untrack = track(() => child.kill('SIGKILL'));
    const ready = new Promise<void>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(
        () => reject(new Error(`${this.name} did not log "worker started" within ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.stderr?.on('data', (chunk: Buffer) => {
        log.write(chunk);
        buffered = (buffered + chunk.toString('utf8')).slice(-4096);
        if (buffered.includes('"msg":"worker started"')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited at start (code ${code}, signal ${signal}); see ${this.logFile}`));
      });
    });
    child.stdout?.on('data', (chunk: Buffer) => log.write(chunk));
    child.once('exit', (code, signal) => {
      this.untrack?.();
      log.write(`--- ${this.name} exited: code ${code}, signal ${signal} ---\n`);
      if (!this.expectingExit) this.unexpectedExits.push(`${this.name}: code ${code}, signal ${signal}`);
    });
    await ready;
  }

  /** SIGKILL: the process dies at once, mid-activity and mid-workflow-task, as a crashed host would. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL', 10_000);
  }

  /** SIGTERM: the worker finishes what it holds and stops; SIGKILL if it has not after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    try {
      await this.signal('SIGTERM', graceMs);
    } catch {
      await this.signal('SIGKILL', 10_000);
    }
  }

  /** Closes the log file. */
  async close(): Promise<void> {
    const log = this.log;
    this.log = undefined;
    if (log) await new Promise<void>((resolve) => log.end(resolve));
  }

  private async signal(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.expectingExit = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.name} did not exit within ${timeoutMs} ms of ${signal}`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([exited, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
