/**
 * The amphora agent: runs inside an amphora's network namespace, started by the local compute driver as
 * `ip netns exec <ns> node agent.js --config-drive <dir>`, and configures haproxy, keepalived and the interfaces
 * when the controller asks over mutual TLS. See `api.ts` for the API.
 */
import { rmSync, writeFileSync, readFileSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAgentConfig } from './config';
import { createAgentLogger } from './log';
import { startAgentServer } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'config-drive': { type: 'string' } } });
  const configDrive = values['config-drive'];
  if (!configDrive) throw new Error('usage: agent --config-drive <dir>');
  const config = loadAgentConfig(configDrive);
  const log = createAgentLogger(config.amphoraId);
  mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
  const agent = await startAgentServer(config, log);
  const ready = join(config.stateDir, 'agent.ready');
  // Written whole, then renamed: the compute driver never reads half a pid.
  writeFileSync(`${ready}.tmp`, `${process.pid}\n`);
  renameSync(`${ready}.tmp`, ready);
  log.info({ bindHost: config.bindHost, bindPort: config.bindPort, stateDir: config.stateDir }, 'agent listening');

  const stop = (signal: string) => {
    log.info({ signal }, 'agent stopping; haproxy and keepalived keep running');
    // Another agent may have been started since; its ready file is not ours to remove.
    if (readPidFile(ready) === process.pid) rmSync(ready, { force: true });
    void agent.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

function readPidFile(path: string): number | undefined {
  try {
    return Number(readFileSync(path, 'utf8').trim());
  } catch {
    return undefined;
  }
}

main().catch((err: unknown) => {
  createAgentLogger(undefined).fatal(
    { err: err instanceof Error ? err.message : String(err) },
    'agent failed to start',
  );
  process.exitCode = 1;
});
