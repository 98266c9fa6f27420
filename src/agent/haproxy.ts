/**
 * haproxy on the amphora, one master-worker process per load balancer: configurations checked with `haproxy -c`
 * before they replace anything, started with `-W -D -S`, reloaded through the master CLI, stopped with SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AgentListenerStats } from './api';
import { AgentError } from './errors';
import { run, runDaemon } from './exec';
import { haproxyCommand, parseShowProc, type MasterProcess } from './haproxy-socket';
import { isRunning, readPid, terminate, until } from './processes';
import { cappedMaxconn, openFilesHardLimit } from './haproxy-limits';
import { parseFrontendStats } from './haproxy-stats';
import { statsSocketOf, trimCheckOutput } from './haproxy-text';
import type { AgentLogger } from './log';

/** How long a start or a reload may take before it counts as failed (they take 30 to 90 ms: FINDINGS §2). */
const SETTLE_MS = 10_000;

/** The files of one load balancer's haproxy, all under `<stateDir>/lb/<lbId>/`. */
interface HaproxyFiles {
  dir: string;
  config: string;
  pid: string;
  masterSocket: string;
  log: string;
}

/** The haproxy daemons of one amphora's agent, their files under `<stateDir>/lb/`. */
export class Haproxy {
  private cachedVersion?: string;

  constructor(
    private readonly stateDir: string,
    private readonly log: AgentLogger,
  ) {}

  /** haproxy's version, `2.6.12-1+deb12u4`, from `haproxy -v`. */
  async version(): Promise<string> {
    if (this.cachedVersion === undefined) {
      const { stdout } = await run('haproxy', ['-v']);
      this.cachedVersion = /version (\S+)/i.exec(stdout)?.[1] ?? 'unknown';
    }
    return this.cachedVersion;
  }

  /**
   * Checks `text` with `haproxy -c` and installs it as the load balancer's configuration; the running haproxy is
   * not touched (a reload applies it).
   *
   * @throws AgentError 400 with haproxy's own alerts when the check refuses it; nothing is changed then.
   */
  async install(lbId: string, text: string): Promise<void> {
    const files = this.files(lbId);
    const tmpDir = join(this.stateDir, 'tmp');
    await mkdir(tmpDir, { recursive: true, mode: 0o700 });
    const candidate = join(tmpDir, `haproxy-${lbId}-${randomBytes(4).toString('hex')}.cfg`);
    await writeFile(candidate, text, { mode: 0o600 });
    try {
      const check = await run('haproxy', ['-c', '-f', candidate]);
      if (check.code !== 0) {
        const output = trimCheckOutput(`${check.stdout}\n${check.stderr}`, candidate);
        throw new AgentError(400, 'Invalid haproxy configuration: haproxy -c refused it', output);
      }
      await mkdir(files.dir, { recursive: true, mode: 0o755 });
      await this.ensureSocketDir(text);
      // A rename within one file system: a reader sees the old file or the new one, never half of one.
      await rename(candidate, files.config);
    } finally {
      await rm(candidate, { force: true });
    }
  }

  /** The installed configuration's text. @throws AgentError 404 when there is none. */
  async config(lbId: string): Promise<string> {
    try {
      return await readFile(this.files(lbId).config, 'utf8');
    } catch {
      throw notFound(lbId);
    }
  }

  /** Whether the load balancer's haproxy master runs. */
  async running(lbId: string): Promise<boolean> {
    return isRunning(await readPid(this.files(lbId).pid), 'haproxy');
  }

  /** The `show stat` answer of each load balancer whose haproxy runs (what a heartbeat reports). */
  async statCsvs(): Promise<string[]> {
    const answers: string[] = [];
    for (const lbId of await this.configured()) {
      if (!(await this.running(lbId))) continue;
      const socket = statsSocketOf(await this.config(lbId));
      if (socket) answers.push(await haproxyCommand(socket, 'show stat').catch(() => ''));
    }
    return answers;
  }

  /** Load balancers with an installed configuration. */
  async configured(): Promise<string[]> {
    const dir = join(this.stateDir, 'lb');
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const ids: string[] = [];
    for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      if (
        await readFile(this.files(entry.name).config).then(
          () => true,
          () => false,
        )
      )
        ids.push(entry.name);
    }
    return ids;
  }

  /** Starts the load balancer's haproxy; one that runs is left as it is. @throws AgentError 404, 500. */
  async start(lbId: string): Promise<void> {
    const files = this.files(lbId);
    const text = await this.config(lbId);
    if (await this.running(lbId)) return;
    await this.ensureSocketDir(text);
    // The master re-execs itself with the same arguments on reload, so the cap holds for later files too.
    const cap = cappedMaxconn(text, openFilesHardLimit());
    if (cap !== undefined) {
      this.log.warn({ lbId, maxconn: cap }, 'open-files limit too low for the configured maxconn: capping it with -n');
    }
    const code = await runDaemon(
      'haproxy',
      [...(cap ? ['-n', String(cap)] : []), '-W', '-D', '-S', files.masterSocket, '-p', files.pid, '-f', files.config],
      files.log,
    );
    // -D returns once the listeners are bound, or fails with haproxy's alerts in the log.
    if (code !== 0 || !(await until(() => this.running(lbId), SETTLE_MS))) {
      throw new AgentError(
        500,
        `haproxy of load balancer ${lbId} did not start (exit code ${code})`,
        await this.logTail(lbId),
      );
    }
  }

  /**
   * Makes the installed configuration the running one: the master CLI's `reload` (listeners are passed to the new
   * worker, not rebound, so no connection is refused), waiting until a new worker runs. A stopped haproxy is
   * started, as Octavia's agent does.
   *
   * @throws AgentError 404 without a configuration; 500 when the master refuses the reload.
   */
  async reload(lbId: string): Promise<void> {
    await this.config(lbId);
    if (!(await this.running(lbId))) return this.start(lbId);
    const socket = this.files(lbId).masterSocket;
    const before = await this.showProc(socket);
    try {
      await haproxyCommand(socket, 'reload');
    } catch (err) {
      // The master re-execs while answering: a reset connection is the reload under way.
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') throw err;
    }
    let after: MasterProcess | undefined;
    const settled = await until(async () => {
      after = await this.showProc(socket).catch(() => undefined);
      return (
        after !== undefined &&
        // Done when a worker that did not run before serves (on the new file), or the master says it failed.
        (after.failed > before.failed || after.workers.some((pid) => !before.workers.includes(pid)))
      );
    }, SETTLE_MS);
    if (!settled || !after || after.failed > before.failed) {
      throw new AgentError(500, `haproxy of load balancer ${lbId} did not reload`, await this.logTail(lbId));
    }
  }

  /** Stops the load balancer's haproxy and waits until it exited. Idempotent. */
  async stop(lbId: string): Promise<void> {
    await terminate(await readPid(this.files(lbId).pid), 'haproxy', 5000);
  }

  /** Stops the load balancer's haproxy and removes its files. Idempotent. */
  async remove(lbId: string): Promise<void> {
    await this.stop(lbId);
    await rm(this.files(lbId).dir, { recursive: true, force: true });
  }

  /** Counters of each frontend (listener), from the stats socket; none when haproxy does not run. */
  async stats(lbId: string): Promise<AgentListenerStats[]> {
    if (!(await this.running(lbId))) return [];
    const socket = statsSocketOf(await this.config(lbId));
    if (!socket) return [];
    return parseFrontendStats(await haproxyCommand(socket, 'show stat'));
  }

  private async showProc(socket: string): Promise<MasterProcess> {
    const answer = await haproxyCommand(socket, 'show proc');
    const parsed = parseShowProc(answer);
    if (!parsed)
      throw new AgentError(500, 'Unexpected answer from haproxy\'s master CLI to "show proc"', answer.trim());
    return parsed;
  }

  /** The renderer puts the stats socket under `<paths.base>/<lbId>/`: haproxy binds it but does not make its dir. */
  private async ensureSocketDir(text: string): Promise<void> {
    const socket = statsSocketOf(text);
    if (socket) await mkdir(dirname(socket), { recursive: true, mode: 0o755 });
  }

  /** The last alerts and warnings of the load balancer's haproxy log (its version notices say nothing). */
  private async logTail(lbId: string): Promise<string> {
    const log = await readFile(this.files(lbId).log, 'utf8').catch(() => '');
    const lines = log
      .trim()
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('[NOTICE]'));
    return lines.slice(-10).join('\n') || 'haproxy wrote nothing to its log';
  }

  private files(lbId: string): HaproxyFiles {
    const dir = join(this.stateDir, 'lb', lbId);
    return {
      dir,
      config: join(dir, 'haproxy.cfg'),
      pid: join(dir, 'haproxy.pid'),
      masterSocket: join(dir, 'master.sock'),
      log: join(dir, 'haproxy.log'),
    };
  }
}

function notFound(lbId: string): AgentError {
  return new AgentError(404, 'Load balancer not found', `No haproxy configuration for load balancer ${lbId}`);
}
