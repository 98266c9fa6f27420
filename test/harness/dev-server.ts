import { createServer } from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/contracts';
import { ensureTemporalCli, scriptDynamicConfigArgs } from './temporal-cli';

/**
 * Starts an ephemeral Temporal dev server (the pinned CLI, state in memory) on 127.0.0.1 and a free port, with the
 * custom search attributes registered and the dynamic config `temporal-dev.sh` uses. With `uiPort`, the Web UI is served on that port too, decoding payloads through
 * `uiCodecEndpoint` when given.
 */
export async function startDevServer(
  options: { uiPort?: number; uiCodecEndpoint?: string } = {},
): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: ensureTemporalCli() },
      ip: '127.0.0.1',
      searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
      log: { format: 'pretty', level: 'error' },
      ...(options.uiPort ? { ui: true, uiPort: options.uiPort } : {}),
      extraArgs: [
        ...scriptDynamicConfigArgs(),
        ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
      ],
    },
  });
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port was assigned')),
      );
    });
  });
}
