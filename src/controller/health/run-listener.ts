/** The health listener as a long-running process: see `main.ts` and `amphora health-listener`. */
import { rmSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../../env';
import { parseHealthConfig } from '../../health-config';
import { startHealthListener } from './listener';
import { openHeartbeatStore } from './store';

/** How often the counts are logged (when they changed). */
const REPORT_EVERY_MS = 60_000;

/**
 * Runs a health listener configured by the environment (see `health-config.ts`) until SIGTERM or SIGINT, then exits.
 *
 * @param readyFile - written with the process id once the listener is bound, removed at exit.
 * @throws ConfigError when AMPHORA_HEARTBEAT_KEY is unset or a variable is malformed.
 */
export async function runHealthListener(readyFile?: string): Promise<void> {
  const config = parseHealthConfig(process.env);
  if (!config) {
    throw new ConfigError('The health listener needs AMPHORA_HEARTBEAT_KEY (the key amphorae sign heartbeats with).', [
      'AMPHORA_HEARTBEAT_KEY',
    ]);
  }
  const store = openHeartbeatStore(config.storeFile);
  const listener = await startHealthListener({
    ...config.listen,
    key: config.key,
    store,
    isKnown: (amphoraId) => store.isWatched(amphoraId),
  });
  if (readyFile) writeFileSync(readyFile, `${process.pid}\n`);
  const { address, port } = listener.address();
  process.stdout.write(`listening ${address}:${port}\n`);

  let reported = '';
  const report = () => {
    const counts = JSON.stringify(listener.counts());
    if (counts !== reported) process.stdout.write(`${JSON.stringify({ msg: 'datagrams', ...listener.counts() })}\n`);
    reported = counts;
  };
  const timer = setInterval(report, REPORT_EVERY_MS);
  const stop = (): void => {
    clearInterval(timer);
    report();
    void listener.close().then(() => {
      store.close();
      if (readyFile) rmSync(readyFile, { force: true });
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
