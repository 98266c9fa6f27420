import { execFile } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PROJECT_DIR = join(__dirname, '..', '..');

/**
 * An address that accepts TCP connections and never answers: a wrong port, a firewall that holds, a server stuck at
 * start. The SDK's native connection has no timeout of its own and waited there for ever.
 */
describe('a Temporal address that accepts connections but never answers', () => {
  let server: Server;
  const sockets: Socket[] = [];
  let address = '';
  beforeAll(async () => {
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const bound = server.address();
    address = `127.0.0.1:${typeof bound === 'object' && bound ? bound.port : 0}`;
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => server.close(resolve));
  });

  /** Runs `amphora <args>` with TEMPORAL_ADDRESS at the silent server; at most 30 s, then it is killed. */
  async function amphora(args: string[]) {
    try {
      await run(process.execPath, ['--require', 'tsx/cjs', join(PROJECT_DIR, 'src', 'cli.ts'), ...args], {
        cwd: PROJECT_DIR,
        env: { ...process.env, TEMPORAL_ADDRESS: address, AMPHORA_LOG_LEVEL: 'error' },
        timeout: 30_000,
      });
      return { code: 0, stderr: '' };
    } catch (err) {
      const failed = err as { code: number | null; signal?: string; stderr: string };
      return { code: failed.code ?? failed.signal, stderr: failed.stderr };
    }
  }

  it('makes the CLI, the API server and a worker give up after 10 s and say why', async () => {
    const [command, api, worker] = await Promise.all([
      amphora(['lb', 'list']),
      amphora(['server']),
      amphora(['worker']),
    ]);
    for (const ended of [command, api, worker]) {
      expect(ended.code).toBe(1);
      expect(ended.stderr.trim()).toBe(
        `amphora: Cannot reach the Temporal server at ${address} (TEMPORAL_ADDRESS): no answer within 10 s: something accepts connections there but does not answer as a Temporal server. Start one with ./temporal-dev.sh up (dev server) or ./temporal-cluster.sh up (cluster; ./temporal-cluster.sh status shows what runs), or point TEMPORAL_ADDRESS at yours.`,
      );
    }
  });
});
