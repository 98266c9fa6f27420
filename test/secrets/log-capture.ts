import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { AmphoraTemplate } from '../../src/models';

const PROJECT_DIR = join(__dirname, '..', '..');

/**
 * Secret-leak checks on a process's logs. Any command that handles request data (the worker now; the CLI and the
 * REST API later) can be run under {@link captureProcess} and its output searched with {@link linesRevealing}.
 */

/** A string unique to one test run, to plant in secret fields and look for in logs. */
export function secretMarker(): string {
  return `SECRET-${randomUUID()}`;
}

/** How each planted secret could show up in a log: as it is, and the base64 a bytes config-drive file carries. */
export function secretForms(marker: string): string[] {
  return [marker, Buffer.from(`key material ${marker}`).toString('base64')];
}

/** An amphora template whose user data, SSH key names and config-drive file contents all carry `marker`. */
export function secretBearingTemplate(marker: string): AmphoraTemplate {
  return {
    imageId: 'amphora-image',
    flavor: 'amphora-flavor',
    managementNetworkId: 'lb-mgmt-net',
    keys: [`ssh-key-${marker}`],
    userData: `#cloud-config\npassword: ${marker}\n`,
    configDriveFiles: {
      '/etc/octavia/amphora-agent.conf': `[controller]\nheartbeat_key = ${marker}\n`,
      '/etc/octavia/certs/client.key': { base64: Buffer.from(`key material ${marker}`).toString('base64') },
    },
  };
}

/** The lines of every log line (stdout and stderr) that reveal one of `secrets`. */
export function linesRevealing(lines: readonly string[], secrets: readonly string[]): string[] {
  return lines.filter((line) => secrets.some((secret) => line.includes(secret)));
}

/** A process whose stdout and stderr are kept line by line. */
export interface CapturedProcess {
  child: ChildProcess;
  lines(): string[];
  /** Resolves once a line contains `text`; rejects if the process exits first or `timeoutMs` passes. */
  waitForLine(text: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Runs `node <args>` from the project directory (with `-r tsx/cjs`, TypeScript sources run as they are). */
export function captureProcess(args: string[], env: NodeJS.ProcessEnv): CapturedProcess {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', ...args], {
    cwd: PROJECT_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const partial = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  const take = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const text = partial[stream] + chunk.toString('utf8');
    const parts = text.split('\n');
    partial[stream] = parts.pop() ?? '';
    lines.push(...parts);
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', take('stdout'));
  child.stderr?.on('data', take('stderr'));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      for (const stream of ['stdout', 'stderr'] as const) if (partial[stream]) lines.push(partial[stream]);
      resolve();
    }),
  );
  return {
    child,
    lines: () => [...lines],
    waitForLine(text, timeoutMs = 60_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!lines.some((line) => line.includes(text))) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(`no line with ${JSON.stringify(text)} within ${timeoutMs} ms:\n${lines.slice(-20).join('\n')}`),
          );
        }, timeoutMs);
        const onExit = () => {
          done();
          reject(
            new Error(`the process exited before a line with ${JSON.stringify(text)}:\n${lines.slice(-20).join('\n')}`),
          );
        };
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      await exited;
    },
  };
}

/**
 * `amphora worker` and `amphora server` as an operator runs them, with `env`, once both are ready: the API's URL is
 * read from its start line (so AMPHORA_API_LISTEN may end in :0).
 */
export async function startWorkerAndApi(
  env: NodeJS.ProcessEnv,
): Promise<{ worker: CapturedProcess; api: CapturedProcess; url: string }> {
  const worker = captureProcess(['src/cli.ts', 'worker'], env);
  const api = captureProcess(['src/cli.ts', 'server'], env);
  try {
    await worker.waitForLine('"msg":"worker started"', 120_000);
    await api.waitForLine('API listening on', 120_000);
  } catch (err) {
    await Promise.all([worker.stop(), api.stop()]);
    throw err;
  }
  const url = /API listening on (http:\/\/[^\s]+)/.exec(api.lines().join('\n'))?.[1] ?? '';
  return { worker, api, url };
}
