import { printableLines } from '../printable';
import { loadConfig, type AppConfig } from '../../config';
import { connectClient } from '../client';
import { LoadBalancerController } from '../load-balancers';

/** What a CLI command works with; closed when the command ends. */
export interface CliSession {
  config: AppConfig;
  controller: LoadBalancerController;
  out: (line: string) => void;
}

/** Runs a command against the configured Temporal server, closing the connection afterwards. */
export async function withSession<T>(body: (session: CliSession) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { client, close } = await connectClient(config);
  try {
    return await body({
      config,
      controller: new LoadBalancerController(client, config.taskQueue, {
        workerWaitMs: config.controller.api.workerWaitMs,
      }),
      // Whatever a tenant named is shown, never obeyed, on the operator's terminal.
      out: (line) => process.stdout.write(`${printableLines(line)}\n`),
    });
  } finally {
    await close();
  }
}

/** Prints JSON for scripts, or text for people. */
export function emit(session: CliSession, json: boolean, value: unknown, text: () => string): void {
  session.out(json ? JSON.stringify(value, null, 2) : text());
}
