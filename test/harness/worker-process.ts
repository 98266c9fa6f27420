import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const PROJECT_DIR = join(__dirname, '..', '..');

/**
 * Starts `amphora worker` from the sources in a process of its own, as an operator runs it (the SDK's runtime is
 * per process, and a test can SIGKILL it), and resolves once it says it has started. `env` comes on top of this
 * process's environment; its stderr (the structured log) is kept for the error when it exits at start.
 */
export async function startWorkerProcess(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(PROJECT_DIR, 'src', 'cli.ts'), 'worker'], {
    cwd: PROJECT_DIR,
    // At info, for the 'worker started' line this waits for.
    env: { ...process.env, AMPHORA_HEARTBEAT_KEY: '', ...env, AMPHORA_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let said = '';
    const onData = (chunk: Buffer) => {
      said += chunk.toString();
      if (!said.includes('"msg":"worker started"')) return;
      child.stderr?.off('data', onData);
      // Drained, not kept: a long run's log must not fill the pipe and stall the worker.
      child.stderr?.resume();
      resolve();
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) =>
      reject(new Error(`the worker exited at start (code ${code}, signal ${signal}): ${said}`)),
    );
  });
  return child;
}

/** Ends the worker process, if it still runs (`signal`: SIGTERM lets it drain, SIGKILL does not), and waits for it. */
export async function stopWorkerProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
