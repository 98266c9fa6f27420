/**
 * keepalived on the amphora: VRRP for ACTIVE_STANDBY, LVS for UDP and SCTP listeners. Its pid files are the
 * amphora's own (the defaults in /run are shared by every amphora on the host: FINDINGS gotcha 3).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeepalivedStatus } from './api';
import { AgentError } from './errors';
import { run, runDaemon } from './exec';
import { isRunning, readPid, signal, terminate, until } from './processes';

/** The keepalived daemon of one amphora's agent, its files under `<stateDir>/keepalived/`. */
export class Keepalived {
  private readonly dir: string;
  private readonly config: string;
  private readonly pid: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'keepalived');
    this.config = join(this.dir, 'keepalived.conf');
    this.pid = join(this.dir, 'keepalived.pid');
  }

  /**
   * Checks `text` with `keepalived -t` and installs it; a running keepalived is reloaded on it (SIGHUP), so the
   * file and the running service never differ for long.
   *
   * @throws AgentError 400 with keepalived's complaints when the check refuses it; nothing is changed then.
   */
  async install(text: string): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const candidate = join(this.dir, `candidate-${randomBytes(4).toString('hex')}.conf`);
    await writeFile(candidate, text, { mode: 0o600 });
    try {
      const check = await run('keepalived', ['-t', '-f', candidate]);
      if (check.code !== 0) {
        const output = `${check.stdout}\n${check.stderr}`
          .split('\n')
          .map((line) => line.replaceAll(candidate, 'keepalived.conf').trimEnd())
          .filter((line) => line.trim() !== '')
          .join('\n');
        throw new AgentError(400, 'Invalid keepalived configuration: keepalived -t refused it', output);
      }
      await rename(candidate, this.config);
    } finally {
      await rm(candidate, { force: true });
    }
    if (await this.running()) await this.reload();
  }

  /** The installed configuration. @throws AgentError 404 when there is none. */
  async text(): Promise<string> {
    try {
      return await readFile(this.config, 'utf8');
    } catch {
      throw notConfigured();
    }
  }

  async status(): Promise<KeepalivedStatus> {
    if (await this.running()) return 'running';
    return (await this.installed()) ? 'stopped' : 'absent';
  }

  /** Starts keepalived; a running one is left as it is. @throws AgentError 404 without a configuration, 500. */
  async start(): Promise<void> {
    await this.text();
    if (await this.running()) return;
    const log = join(this.dir, 'keepalived.log');
    // Without -n keepalived daemonizes and writes its pid files before the launcher exits. No -P: LVS listeners
    // need the checker process as well as VRRP.
    const code = await runDaemon(
      'keepalived',
      [
        '-l',
        '-D',
        '-f',
        this.config,
        '-p',
        this.pid,
        '-r',
        join(this.dir, 'vrrp.pid'),
        '-c',
        join(this.dir, 'checkers.pid'),
      ],
      log,
    );
    if (code !== 0 || !(await until(() => this.running(), 5000))) {
      const tail = (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').slice(-10).join('\n');
      throw new AgentError(500, `keepalived did not start (exit code ${code})`, tail);
    }
  }

  /** Reloads a running keepalived on its file (SIGHUP); starts a stopped one. @throws AgentError 404. */
  async reload(): Promise<void> {
    await this.text();
    const pid = await readPid(this.pid);
    if (!isRunning(pid, 'keepalived') || pid === undefined) return this.start();
    signal(pid, 'SIGHUP');
  }

  /** Stops keepalived and waits for it to exit (it refuses to start while the old one lives). Idempotent. */
  async stop(): Promise<void> {
    await terminate(await readPid(this.pid), 'keepalived', 5000);
  }

  /** Stops keepalived and removes its configuration: an amphora that needs none. Idempotent. */
  async remove(): Promise<void> {
    await this.stop();
    await rm(this.config, { force: true });
  }

  private async running(): Promise<boolean> {
    return isRunning(await readPid(this.pid), 'keepalived');
  }

  private installed(): Promise<boolean> {
    return readFile(this.config).then(
      () => true,
      () => false,
    );
  }
}

function notConfigured(): AgentError {
  return new AgentError(
    404,
    'keepalived is not configured',
    'No keepalived configuration was uploaded (PUT /1.0/vrrp/upload)',
  );
}
