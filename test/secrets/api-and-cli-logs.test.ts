import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../harness/temporal';
import { linesRevealing, secretMarker, startWorkerAndApi, type CapturedProcess } from './log-capture';

const run = promisify(execFile);
const PROJECT_DIR = join(__dirname, '..', '..');

/**
 * Secrets stay out of the API's and the CLI's output too: the API token and an SSH key name carrying a marker go
 * through `amphora server` and `amphora lb create` (both at debug level, with a worker) and no line of the server, the
 * CLI or the worker may contain the marker.
 */
let temporal: TestTemporal;
const processes: CapturedProcess[] = [];
beforeAll(async () => {
  temporal = await connectTestTemporal();
});
afterAll(async () => {
  await Promise.all(processes.map((process) => process.stop()));
  await temporal.close();
});

it('keeps the API token and the amphora key name out of every line the API server, the CLI and the worker write', async () => {
  const marker = secretMarker();
  const token = `token-${marker}`;
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    AMPHORA_TASK_QUEUE: uniqueTaskQueue('secrets-api'),
    AMPHORA_LOG_LEVEL: 'debug',
    AMPHORA_NOOP_BUILD_DELAY_MS: '50',
    AMPHORA_BUILD_POLL_INTERVAL_MS: '50',
    AMPHORA_AMP_SSH_KEY_NAME: `ssh-key-${marker}`,
    AMPHORA_API_LISTEN: '127.0.0.1:0',
    AMPHORA_API_TOKENS: token,
  };
  const { worker, api, url } = await startWorkerAndApi(env);
  processes.push(worker, api);

  // Through the API: a create with the token, a request with a wrong token that carries the marker too, then the
  // record until ACTIVE.
  const created = await fetch(`${url}/v2/lbaas/loadbalancers`, {
    method: 'POST',
    headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
    body: JSON.stringify({ loadbalancer: { vip_subnet_id: 'vip-subnet', name: 'secret-test' } }),
  });
  expect(created.status).toBe(201);
  const id = ((await created.json()) as { loadbalancer: { id: string } }).loadbalancer.id;
  const refused = await fetch(`${url}/v2/lbaas/loadbalancers`, { headers: { 'X-Auth-Token': `${token}-wrong` } });
  expect(refused.status).toBe(401);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const shown = await fetch(`${url}/v2/lbaas/loadbalancers/${id}`, { headers: { 'X-Auth-Token': token } });
    const status = ((await shown.json()) as { loadbalancer?: { provisioning_status: string } }).loadbalancer
      ?.provisioning_status;
    if (status === 'ACTIVE') break;
    if (Date.now() > deadline) throw new Error(`load balancer ${id} did not become ACTIVE: ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  // Through the CLI: a create followed step by step, then a delete.
  const cli = await run(
    process.execPath,
    ['--require', 'tsx/cjs', 'src/cli.ts', 'lb', 'create', '--vip-subnet-id', 'vip-subnet', '--wait', '--json'],
    {
      cwd: PROJECT_DIR,
      env,
    },
  );
  const cliId = (JSON.parse(cli.stdout) as { id: string }).id;
  const deleted = await run(process.execPath, ['--require', 'tsx/cjs', 'src/cli.ts', 'lb', 'delete', cliId, '--wait'], {
    cwd: PROJECT_DIR,
    env,
  });

  const cliLines = [cli.stdout, cli.stderr, deleted.stdout, deleted.stderr].join('\n').split('\n');
  // The marker did reach the amphorae: the key name is what the worker's activities were given.
  expect(api.lines().some((line) => line.includes('"path":"/v2/lbaas/loadbalancers"'))).toBe(true);
  expect(linesRevealing(api.lines(), [marker])).toEqual([]);
  expect(linesRevealing(worker.lines(), [marker])).toEqual([]);
  expect(linesRevealing(cliLines, [marker])).toEqual([]);
});
